//! stub placeholder
