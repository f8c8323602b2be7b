// An embedder's CAF application: one supervisor in its own actor system,
// an actor client acquiring a model twice, then releasing both leases.

#include <cstdio>

#include <caf/all.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/config.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/model_manager.hpp"

int main() {
  cmm::manager_system_config cfg;
  caf::actor_system sys{cfg};
  cmm::manager_config mcfg;
  cmm::model_manager manager{sys, mcfg, cmm::make_default_backend(mcfg)};
  caf::scoped_actor self{sys};
  auto sup = manager.supervisor();
  auto spec = cmm::model_spec::by_path("sim://embedded", "base");
  std::vector<cmm::lease> leases;
  for (int i = 0; i < 2; ++i)
    self->request(sup, std::chrono::seconds{11}, cmm::acquire_atom_v, spec,
                  caf::actor{}, caf::timespan{std::chrono::seconds{10}})
        .receive([&](cmm::lease& x) { leases.push_back(std::move(x)); },
                 [&](caf::error& err) {
                   std::fprintf(stderr, "%s\n", sys.render(err).c_str());
                 });
  uint32_t refs = 0;
  self->request(sup, std::chrono::seconds{10}, cmm::info_atom_v,
                std::string{"sim://embedded"})
      .receive([&](cmm::model_info& x) { refs = x.refs; }, [](caf::error&) {});
  uint32_t left = 99;
  for (auto& x : leases)
    self->request(sup, std::chrono::seconds{10}, cmm::release_atom_v, x.id,
                  x.token)
        .receive([&](uint32_t n) { left = n; }, [](caf::error&) {});
  std::printf("embedder: %u refs, %u after release\n", refs, left);
  return refs == 2 && left == 0 ? 0 : 1;
}
