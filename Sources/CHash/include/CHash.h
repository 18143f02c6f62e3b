// SHA-256's block function for the harness's run keys and config hashes, in C so it runs optimised in
// every build configuration: `ablate plan` hashes two strings per run, and the unoptimised Swift loop
// dominated the planning of a 10,000-variant grid. The padding and buffering stay in Swift (Support/SHA256).
#ifndef FIA_CHASH_H
#define FIA_CHASH_H
#include <stddef.h>
#include <stdint.h>

/// Applies SHA-256's compression function (FIPS 180-4, §6.2.2) to `count` consecutive 64-byte blocks,
/// updating the eight-word `state` in place.
void fia_sha256_blocks(uint32_t state[8], const uint8_t *blocks, size_t count);

#endif
