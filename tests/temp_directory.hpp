#pragma once

#include <chrono>
#include <filesystem>
#include <random>
#include <string>

namespace cmm::test {

/// A fresh directory, removed with everything in it on destruction. Names
/// are unique across the parallel processes ctest runs.
class temp_directory {
public:
  temp_directory() {
    auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = std::filesystem::temp_directory_path() /
            ("cmm-test-" + std::to_string(stamp) + "-" +
             std::to_string(std::random_device{}()));
    std::filesystem::create_directories(path_);
  }

  temp_directory(const temp_directory&) = delete;
  temp_directory& operator=(const temp_directory&) = delete;

  ~temp_directory() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  std::string file(const std::string& name) const {
    return (path_ / name).string();
  }

private:
  std::filesystem::path path_;
};

} // namespace cmm::test
