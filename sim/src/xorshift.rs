//! Deterministic pseudo-random bytes for simulated payloads and line noise.
//!
//! Marsaglia's xorshift64 (shifts 13, 7, 17): tiny, fast, and the same sequence on every run and
//! platform, so a test that injects noise or compares a photo sees the same bytes each time. Not
//! for anything that needs unpredictability.

/// A xorshift64 generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XorShift64 {
    state: u64,
}

/// Seed used in place of zero, which xorshift cannot leave (any non-zero value would do).
const ZERO_SEED_REPLACEMENT: u64 = 0x9E37_79B9_7F4A_7C15;

impl XorShift64 {
    /// A generator starting from `seed` (zero is replaced by a fixed non-zero seed).
    pub fn new(seed: u64) -> XorShift64 {
        XorShift64 {
            state: if seed == 0 {
                ZERO_SEED_REPLACEMENT
            } else {
                seed
            },
        }
    }

    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    /// `len` pseudo-random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(len);
        out
    }
}

/// FNV-1a, 64 bits: a stable seed derived from some bytes (for per-card payloads).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xCBF2_9CE4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    bytes
        .iter()
        .fold(OFFSET, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes_and_zero_seed_still_moves() {
        assert_eq!(XorShift64::new(7).bytes(100), XorShift64::new(7).bytes(100));
        assert_ne!(XorShift64::new(7).bytes(16), XorShift64::new(8).bytes(16));
        let mut zero = XorShift64::new(0);
        assert_ne!(zero.next_u64(), 0);
        assert_eq!(XorShift64::new(1).bytes(13).len(), 13);
    }

    #[test]
    fn fnv1a_reference_values() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xCBF2_9CE4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xAF63_DC4C_8601_EC8C);
    }
}
