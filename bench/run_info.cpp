#include "run_info.hpp"

#include <ctime>

namespace cmm::bench {

std::string utc_now() {
  auto t = std::time(nullptr);
  std::tm parts;
  gmtime_r(&t, &parts);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buf;
}

} // namespace cmm::bench
