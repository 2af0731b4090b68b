//! What each command does once its options are typed: the listings' common way out, and the
//! commands that are more than a listing. They print; the workflows under `review` do not.

pub(crate) mod actions;
pub(crate) mod doctor;
pub(crate) mod grep;
pub(crate) mod hunt;
pub(crate) mod listing;
