#include <chrono>

#include <torch/script.h>

#include "scenarios.hpp"

namespace cmm::bench {

double bare_load_seconds(const std::string& path) {
  auto start = std::chrono::steady_clock::now();
  auto module = torch::jit::load(path, torch::kCPU);
  auto stop = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(stop - start).count();
}

} // namespace cmm::bench
