//! The layer model: stages, what each instruction does to the image, what its cache
//! depends on, and how big its layer will be.

pub mod apt;
pub mod size;
