#include "timeline.hpp"

#include <cstdio>

namespace cmm::demo {

timeline::timeline() : start_(std::chrono::steady_clock::now()) {
  // nop
}

double timeline::elapsed() const {
  using secs = std::chrono::duration<double>;
  return secs{std::chrono::steady_clock::now() - start_}.count();
}

void timeline::stamped(const std::string& text) const {
  std::printf("[%6.3fs] %s\n", elapsed(), text.c_str());
  std::fflush(stdout);
}

void timeline::indented(const std::string& text) const {
  std::printf("          %s\n", text.c_str());
  std::fflush(stdout);
}

} // namespace cmm::demo
