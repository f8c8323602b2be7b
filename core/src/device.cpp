#include "cmm/device.hpp"

#include <cctype>

namespace cmm {

namespace {

failure bad_device(std::string_view str) {
  return {errc::invalid_device,
          "unknown device '" + std::string(str) +
              "': use cpu, cuda or cuda:N (N a device ordinal)"};
}

} // namespace

result<device> parse_device(std::string_view str) {
  device dev;
  std::string_view rest;
  if (str.substr(0, 3) == "cpu") {
    dev.kind = device::kind_t::cpu;
    rest = str.substr(3);
  } else if (str.substr(0, 4) == "cuda") {
    dev.kind = device::kind_t::cuda;
    rest = str.substr(4);
  } else if (str.substr(0, 3) == "sim") {
    dev.kind = device::kind_t::sim;
    rest = str.substr(3);
  } else {
    return bad_device(str);
  }
  if (rest.empty())
    return dev;
  if (rest.front() != ':' || rest.size() == 1 || rest.size() > 4)
    return bad_device(str);
  int index = 0;
  for (auto c : rest.substr(1)) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return bad_device(str);
    index = index * 10 + (c - '0');
  }
  if (dev.kind == device::kind_t::cpu && index != 0)
    return bad_device(str);
  dev.index = dev.kind == device::kind_t::cpu ? -1 : index;
  return dev;
}

std::string to_string(const device& x) {
  std::string str;
  switch (x.kind) {
  case device::kind_t::cpu:
    return "cpu";
  case device::kind_t::cuda:
    str = "cuda";
    break;
  case device::kind_t::sim:
    str = "sim";
    break;
  }
  if (x.index >= 0) {
    str += ':';
    str += std::to_string(x.index);
  }
  return str;
}

} // namespace cmm
