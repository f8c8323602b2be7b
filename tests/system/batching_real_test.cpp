// Dynamic batching of real TorchScript models: requests that wait together
// run as one forward, and every caller gets its own rows within fp32
// rounding of the same request run alone (a batched matrix product may sum
// in another order).

#include <catch2/catch.hpp>

#include <cmath>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "../temp_directory.hpp"
#include "cmm/blocking_client.hpp"
#include "cmm/config.hpp"
#include "cmm/default_backend.hpp"
#include "cmm/error.hpp"
#include "cmm/model_generator.hpp"
#include "cmm/model_manager.hpp"

using namespace cmm;
using namespace std::chrono_literals;

namespace {

/// Each model twice: `ID` batching up to 8 rows (waiting up to 1 s, so a
/// batch runs when full), `ID-alone` without batching.
struct batching_fixture {
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    register_types(cfg);
    return cfg;
  }

  batching_fixture() : sys(prepare(sys_cfg)) {
    model_blueprint bp;
    bp.width = 16;
    bp.hidden = 32;
    write_model(dir.file("mlp.pt"), bp);
    write_conv_transpose_model(dir.file("conv.pt"));
    write_two_headed_model(dir.file("two.pt"));
    manager_config cfg;
    for (auto id : {"mlp", "conv", "two"}) {
      auto path = dir.file(std::string{id} + ".pt");
      catalog_entry batched;
      REQUIRE(
          parse_catalog_entry(id, path + ",base,cpu,fp32,batch=8:1s", batched));
      cfg.models[id] = batched;
      auto alone = std::string{id} + "-alone";
      cfg.models[alone] = {alone, path, "base", "cpu", "fp32"};
    }
    manager =
        std::make_unique<model_manager>(sys, cfg, make_default_backend(cfg));
    client = std::make_unique<blocking_client>(sys, 60s);
  }

  ~batching_fixture() {
    client.reset();
    manager.reset();
  }

  /// Sends every request at once to `id`'s model actor and collects the
  /// answers in order.
  std::vector<std::vector<tensor>>
  infer_together(const std::string& id,
                 const std::vector<std::vector<tensor>>& requests) {
    auto held = client->acquire(model_spec::by_id(id));
    caf::scoped_actor self{sys};
    using handle_type = decltype(self->request(
        held.get().model, 60s, infer_atom_v, std::vector<tensor>{}));
    std::vector<handle_type> handles;
    for (auto& inputs : requests)
      handles.push_back(
          self->request(held.get().model, 60s, infer_atom_v, inputs));
    std::vector<std::vector<tensor>> out;
    std::string failed;
    for (auto& h : handles)
      h.receive([&](std::vector<tensor>& x) { out.push_back(std::move(x)); },
                [&](caf::error& err) { failed = to_string(to_failure(err)); });
    INFO(failed);
    REQUIRE(failed.empty());
    return out;
  }

  test::temp_directory dir;
  caf::actor_system_config sys_cfg;
  caf::actor_system sys;
  std::unique_ptr<model_manager> manager;
  std::unique_ptr<blocking_client> client;
};

tensor ramp(dtype type, std::vector<int64_t> shape, float start) {
  int64_t n = 1;
  for (auto d : shape)
    n *= d;
  std::vector<float> values;
  for (int64_t i = 0; i < n; ++i)
    values.push_back(start + 0.01f * static_cast<float>(i % 97));
  return make_tensor_from_floats(type, std::move(shape), values);
}

void check_close(const std::vector<tensor>& got,
                 const std::vector<tensor>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].type == want[i].type);
    REQUIRE(got[i].shape == want[i].shape);
    auto a = got[i].to_floats();
    auto b = want[i].to_floats();
    for (size_t k = 0; k < a.size(); ++k)
      if (std::fabs(a[k] - b[k]) > 1e-4f + 1e-4f * std::fabs(b[k])) {
        FAIL_CHECK("output " << i << " element " << k << ": " << a[k]
                             << " batched, " << b[k] << " alone");
        return;
      }
  }
}

} // namespace

TEST_CASE_METHOD(batching_fixture,
                 "real models batch requests that wait together and give "
                 "each caller its own rows",
                 "[batching][torch]") {
  struct model_case {
    const char* id;
    std::vector<std::vector<tensor>> requests;
  };
  std::vector<model_case> cases{
      {"mlp",
       {{ramp(dtype::f32, {1, 16}, 0.1f)},
        {ramp(dtype::f32, {3, 16}, -0.5f)},
        {ramp(dtype::f32, {2, 16}, 0.7f)},
        {ramp(dtype::f32, {2, 16}, 0.2f)}}},
      {"conv",
       {{ramp(dtype::f32, {1, 64, 8}, 0.1f)},
        {ramp(dtype::f32, {3, 64, 8}, -0.3f)},
        {ramp(dtype::f32, {4, 64, 8}, 0.5f)}}},
      {"two",
       {{ramp(dtype::f32, {2, 8}, 0.1f),
         *make_tensor(dtype::i64, {2}, std::vector<uint8_t>(16, 0))},
        {ramp(dtype::f32, {6, 8}, 0.4f),
         make_tensor_from_floats(dtype::i64, {6}, {1, 2, 3, 4, 5, 9})}}},
  };
  for (auto& c : cases) {
    CAPTURE(c.id);
    auto batched = infer_together(c.id, c.requests);
    REQUIRE(batched.size() == c.requests.size());
    for (size_t j = 0; j < c.requests.size(); ++j) {
      CAPTURE(j);
      auto alone = client->infer(
          client->acquire(model_spec::by_id(std::string{c.id} + "-alone"))
              .get(),
          c.requests[j]);
      check_close(batched[j], alone);
    }
    auto info = client->get_model_info(c.id);
    REQUIRE(info);
    CHECK(info->batches == 1);
    CHECK(info->batched_requests == c.requests.size());
  }
}
