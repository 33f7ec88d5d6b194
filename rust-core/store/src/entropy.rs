//! Where new ids get their randomness. Passed in, so tests and the demo generator are repeatable.

/// A source of 16 random bytes per new id.
pub trait Entropy: Send {
    fn bytes16(&mut self) -> [u8; 16];
}

/// The operating system's generator (what the apps use).
#[derive(Debug, Default)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn bytes16(&mut self) -> [u8; 16] {
        *uuid::Uuid::new_v4().as_bytes()
    }
}

/// A fixed-seed generator (SplitMix64) for tests and demos: the same seed gives the same ids.
#[derive(Debug, Clone)]
pub struct SeededEntropy(u64);

impl SeededEntropy {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Entropy for SeededEntropy {
    fn bytes16(&mut self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        out[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        out
    }
}
