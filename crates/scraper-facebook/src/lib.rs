//! Facebook: pages, a page's events (upcoming or past) and single events, logged out.
