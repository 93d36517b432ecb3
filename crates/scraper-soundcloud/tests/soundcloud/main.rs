//! Integration tests (written below).
