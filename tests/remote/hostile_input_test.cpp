// A hostile client in this process, linked against the project's libraries,
// sends a real cmm-node tensors that lie about themselves. Each one must come
// back as `bad_input` naming the problem, with the model still ready and
// the node still serving another client.

#include <catch2/catch.hpp>

#include <chrono>

#include "cmm/blocking_client.hpp"
#include "cmm/manager_error.hpp"
#include "remote_fixture.hpp"

using namespace cmm;
using namespace cmm::test;
using namespace std::chrono_literals;

namespace {

struct hostile_case {
  const char* what;
  uint8_t type_code;
  std::vector<int64_t> shape;
  size_t bytes;
  const char* message;
};

tensor lying_tensor(const hostile_case& c) {
  tensor x;
  x.type = static_cast<dtype>(c.type_code);
  x.shape = c.shape;
  x.bytes = std::make_shared<const std::vector<uint8_t>>(c.bytes, 0x5a);
  return x;
}

constexpr uint8_t f32 = static_cast<uint8_t>(dtype::f32);

} // namespace

TEST_CASE("a node answers lying tensors with bad_input and keeps serving",
          "[remote][hostile]") {
  temp_directory dir;
  model_blueprint bp;
  bp.width = 64;
  bp.hidden = 32;
  bp.vocab = 50;
  write_model(dir.file("tiny.pt"), bp);
  auto options = remote_catalog(dir.file("tiny.pt"));
  options.max_request_bytes = "1MiB";
  node_process node{dir, options};
  client_system hostile_system;
  auto sup = hostile_system.connect(node.port());
  REQUIRE(sup);
  blocking_client hostile{hostile_system.sys(), *sup, 20s};
  auto held = hostile.acquire(model_spec::by_id("tiny"));
  std::vector<hostile_case> cases{
      {"an undefined dtype, small", 10, {1, 64}, 64, "dtype code 10"},
      {"an undefined dtype, 16 MiB",
       200,
       {262144, 64},
       16 << 20,
       "dtype code 200"},
      {"an element count past 64 bits",
       f32,
       {(int64_t{1} << 62) + 16},
       64,
       "more bytes than fit in 64 bits"},
      {"fewer bytes than the shape needs", f32, {1, 64}, 64, "needs 256"},
      {"a negative extent", f32, {-1, 64}, 0, "negative extent"},
      {"more than cmm.max-request-bytes",
       f32,
       {4097, 64},
       4097 * 64 * 4,
       "cmm.max-request-bytes"},
  };
  for (auto& c : cases) {
    CAPTURE(c.what);
    try {
      hostile.infer(held.get(), {lying_tensor(c)});
      FAIL("the node ran " << c.what);
    } catch (const manager_error& err) {
      CHECK(err.code() == errc::bad_input);
      CHECK_THAT(err.what(), Catch::Contains("input 0"));
      CHECK_THAT(err.what(), Catch::Contains(c.message));
    }
    CHECK(hostile.get_model_info("tiny")->state == "ready");
  }
  // The same connection still gets answers, and so does a new client.
  std::vector<float> ones(64, 1.0f);
  auto input = make_tensor_from_floats(dtype::f32, {1, 64}, ones);
  CHECK(hostile.infer(held.get(), {input}).at(0).shape ==
        std::vector<int64_t>{1, 64});
  client_system other_system;
  auto other_sup = other_system.connect(node.port());
  REQUIRE(other_sup);
  blocking_client other{other_system.sys(), *other_sup, 20s};
  auto other_held = other.acquire(model_spec::by_id("tiny"));
  CHECK(other.infer(other_held.get(), {input}).at(0).shape ==
        std::vector<int64_t>{1, 64});
  CHECK_FALSE(node.process().wait(0ms));
}
