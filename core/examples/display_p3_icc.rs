//! Writes a Display P3 ICC profile (the one iPhones tag their photos with, as moxcms builds
//! it) to the path given, so `scripts/bench-images` can time colour-managed thumbnails on a
//! tagged copy of the corpus without a profile file in the repository.

fn main() {
    let path = std::env::args().nth(1).expect("usage: display_p3_icc OUT.icc");
    let profile = moxcms::ColorProfile::new_display_p3();
    std::fs::write(&path, profile.encode().expect("encode the profile")).expect("write the profile");
}
