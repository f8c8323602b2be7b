#pragma once

#include <chrono>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace cmm::demo {

/// Prints the demo's story to stdout, one line per event, each prefixed by
/// the time elapsed since the timeline was created (`[ 0.123s] ...`).
/// Continuation lines (`more`) are indented to the same column. Not
/// thread-safe: only the demo's main thread prints.
class timeline {
public:
  timeline();

  template <class... Ts>
  void say(fmt::format_string<Ts...> format, Ts&&... xs) {
    stamped(fmt::format(format, std::forward<Ts>(xs)...));
  }

  template <class... Ts>
  void more(fmt::format_string<Ts...> format, Ts&&... xs) {
    indented(fmt::format(format, std::forward<Ts>(xs)...));
  }

  /// Seconds since the start.
  double elapsed() const;

private:
  void stamped(const std::string& text) const;

  void indented(const std::string& text) const;

  std::chrono::steady_clock::time_point start_;
};

} // namespace cmm::demo
