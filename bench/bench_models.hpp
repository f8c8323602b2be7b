#pragma once

// The generated TorchScript files the real-model scenarios load, written
// once into the model directory and reused by later runs.

#include <cstdint>
#include <string>

#include "load_target.hpp"

namespace cmm::bench {

/// The path of a generated model of about `megabytes` MB in `dir`, writing
/// it first if it is missing. Reports generation on stderr.
std::string ensure_model(const std::string& dir, double megabytes);

/// Seconds to read the whole file into memory with plain `read` calls.
double read_file_seconds(const std::string& path);

/// Reads the file and loads and frees it once on `target`, so that the page
/// cache, libtorch and the device are warm before anything is measured.
void warm_up(const std::string& path, const load_target& target = {});

} // namespace cmm::bench
