#include "cmm/failure.hpp"

namespace cmm {

std::string to_string(const failure& x) {
  std::string str = to_string(x.code);
  if (!x.message.empty()) {
    str += ": ";
    str += x.message;
  }
  return str;
}

} // namespace cmm
