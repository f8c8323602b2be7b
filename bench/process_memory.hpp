#pragma once

// What this process holds in memory: resident pages as the kernel counts
// them, and bytes in use as malloc counts them. The two differ when freed
// memory stays with the allocator instead of going back to the kernel.

#include <chrono>
#include <cstdint>

#include "cmm/device.hpp"

namespace cmm::bench {

/// VmRSS from /proc/self/status in bytes; 0 where it cannot be read.
uint64_t resident_bytes();

/// Bytes handed out by malloc and not yet freed, in every arena (glibc's
/// `mallinfo2`: in-use chunks plus mmapped blocks).
uint64_t heap_in_use_bytes();

struct memory_snapshot {
  uint64_t resident = 0;
  uint64_t heap = 0;
  /// Bytes in use on the GPU named to `snapshot_memory` (total minus free,
  /// as the driver reports them, whoever holds them); 0 for the CPU.
  uint64_t device_used = 0;
};

/// This process's memory and, for a `cuda:N` device, that device's.
memory_snapshot snapshot_memory(const device& gpu = {});

/// Waits (at most `limit`) until malloc's bytes in use stop changing, so
/// memory that actors still being destroyed free in the background does not
/// show up in the next delta, then returns free pages to the kernel
/// (`malloc_trim`), so that growth from here on shows in VmRSS instead of
/// reusing pages malloc kept; returns the snapshot after that.
memory_snapshot settled_memory(
    std::chrono::milliseconds limit = std::chrono::milliseconds{1000});

} // namespace cmm::bench
