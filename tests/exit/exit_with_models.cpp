// Loads models (a real TorchScript file given on the command line and a
// simulated one), keeps leases on them, and returns from main without
// releasing or unloading anything. Shutdown must free them and not hang.

#include <cstdio>

#include <caf/actor_system.hpp>

#include "cmm/blocking_client.hpp"
#include "cmm/config.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/model_manager.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: cmm-exit-check MODEL.pt\n");
    return 2;
  }
  cmm::manager_system_config cfg;
  caf::actor_system sys{cfg};
  cmm::manager_config mcfg;
  mcfg.dtype = "fp32";
  cmm::model_manager manager{sys, mcfg, cmm::make_default_backend(mcfg)};
  cmm::blocking_client client{sys};
  auto real = client.load_model(argv[1], "base");
  auto simulated = client.load_model("sim://resident?bytes=1024", "base");
  auto held = client.get_cached_models().size();
  std::printf("holding %zu models\n", held);
  return held == 2 ? 0 : 1;
}
