#pragma once

#include "cmm/backend.hpp"
#include "cmm/manager_config.hpp"

namespace cmm {

/// The backend a node uses: `sim://` paths go to the simulated backend,
/// everything else to TorchScript (with the config's intra-op threads).
/// Lives in the TorchScript library, though its header needs no libtorch.
backend_ptr make_default_backend(const manager_config& cfg);

} // namespace cmm
