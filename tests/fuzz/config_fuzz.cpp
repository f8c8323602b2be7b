// libFuzzer target: a node's configuration file and the catalog lines in
// it, as an operator (or whoever can write the file) hands them over. The
// input is parsed as CAF's INI with the project's options, then read into a
// manager_config, which must accept it or name what is wrong; each line is
// also tried as a catalog entry, a byte size, a device and a dtype. Nothing
// may crash or hang.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "cmm/byte_size.hpp"
#include "cmm/catalog.hpp"
#include "cmm/config.hpp"
#include "cmm/device.hpp"
#include "cmm/dtype.hpp"
#include "cmm/warmup_spec.hpp"

namespace {

void parse_pieces(const std::string& line) {
  cmm::catalog_entry entry;
  (void)cmm::parse_catalog_entry("fuzz", line, entry);
  (void)cmm::parse_byte_size(line);
  (void)cmm::parse_device(line);
  (void)cmm::parse_dtype(line);
  (void)cmm::parse_warmup_spec(line);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::istringstream lines{text};
  for (std::string line; std::getline(lines, line);)
    parse_pieces(line);
  cmm::manager_system_config cfg;
  std::istringstream ini{text};
  if (cfg.parse(caf::actor_system_config::string_list{}, ini))
    return 0;
  (void)cmm::read_manager_config(cfg);
  return 0;
}
