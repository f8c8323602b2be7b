#include "bench_models.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "bare_load.hpp"
#include "cmm/model_generator.hpp"
#include "stopwatch.hpp"

namespace cmm::bench {

std::string ensure_model(const std::string& dir, double megabytes) {
  std::filesystem::create_directories(dir);
  char name[64];
  std::snprintf(name, sizeof(name), "/bench-%gmb.pt", megabytes);
  auto path = dir + name;
  if (std::filesystem::exists(path))
    return path;
  std::fprintf(stderr, "cmm-bench: generating %s ...", path.c_str());
  std::fflush(stderr);
  auto start = bench_clock::now();
  // Written under a temporary name first: an interrupted run leaves no
  // truncated model behind for the next one to trust.
  auto partial = path + ".partial";
  write_model(partial, blueprint_of_size("base", megabytes));
  std::filesystem::rename(partial, path);
  std::fprintf(stderr, " %.1f s\n", seconds_since(start));
  return path;
}

double read_file_seconds(const std::string& path) {
  std::vector<char> buf(size_t{8} << 20);
  auto start = bench_clock::now();
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0)
    throw std::runtime_error("cannot open " + path);
  ssize_t got;
  while ((got = ::read(fd, buf.data(), buf.size())) > 0) {
    // The bytes are only read: what a loader must do at least.
  }
  ::close(fd);
  if (got < 0)
    throw std::runtime_error("cannot read " + path);
  return seconds_since(start);
}

void warm_up(const std::string& path, const load_target& target) {
  read_file_seconds(path);
  bare_load_and_free(path, target);
}

} // namespace cmm::bench
