#include "machine_info.hpp"

#include <fstream>
#include <string>
#include <thread>

#include <sys/utsname.h>

#include <caf/config.hpp>

namespace cmm::bench {

namespace {

/// The value after the first `key` line's colon in a /proc file.
std::string proc_value(const char* file, const std::string& key) {
  std::ifstream in{file};
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0)
      continue;
    auto colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    auto value = line.substr(colon + 1);
    auto first = value.find_first_not_of(" \t");
    return first == std::string::npos ? std::string{} : value.substr(first);
  }
  return {};
}

} // namespace

machine_info describe_machine() {
  machine_info out;
  out.cpu = proc_value("/proc/cpuinfo", "model name");
  if (out.cpu.empty())
    out.cpu = "unknown CPU";
  out.hardware_threads = std::thread::hardware_concurrency();
  auto mem_kib = proc_value("/proc/meminfo", "MemTotal");
  if (!mem_kib.empty())
    out.memory_gib = std::stod(mem_kib) / (1024.0 * 1024.0);
  utsname names;
  if (uname(&names) == 0)
    out.kernel =
        std::string{names.sysname} + " " + names.release + " " + names.machine;
  out.caf_version = std::to_string(CAF_VERSION / 10000) + "." +
                    std::to_string(CAF_VERSION / 100 % 100) + "." +
                    std::to_string(CAF_VERSION % 100);
  out.torch_version = torch_version();
  return out;
}

} // namespace cmm::bench
