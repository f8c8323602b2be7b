#include "cmm/backend.hpp"

namespace cmm {

loaded_model::~loaded_model() {
  // nop
}

backend::~backend() {
  // nop
}

} // namespace cmm
