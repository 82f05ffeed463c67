//! Labels (filled in below).
