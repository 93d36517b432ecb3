//! Instagram: profiles and posts, logged out first, with an operator session when one is given.
