//! Photo bytes as a tablet uploads them: the format sniffed, EXIF read (orientation, capture
//! time, position) and the image decoded and downscaled within small pixel limits.
#![no_main]

use annotate::DecodeLimits;
use annotate::photo;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small, so one input cannot spend the run allocating a 64-megapixel buffer.
    let limits = DecodeLimits {
        max_pixels: 1 << 20,
    };
    let _ = photo::sniff_format(data);
    if photo::inspect(data, limits).is_ok() {
        let _ = photo::thumbnail(data, limits);
    }
});
