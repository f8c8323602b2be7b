// Dynamic batching in the model actor, under the deterministic scheduler:
// who joins a batch, what each caller gets back, when a batch waits.

#include <catch2/catch.hpp>

#include <caf/actor_cast.hpp>

#include "deterministic_fixture.hpp"

using namespace cmm;
using namespace cmm::test;
using namespace std::chrono_literals;

namespace {

manager_config batching_config(const std::string& policy,
                               const std::string& params = "") {
  auto cfg = deterministic_fixture::default_config();
  catalog_entry entry;
  REQUIRE(parse_catalog_entry("batched",
                              "sim://batched?bytes=1000" + params +
                                  ",base,cpu,fp32,batch=" + policy,
                              entry));
  cfg.models["batched"] = entry;
  return cfg;
}

/// Rows of `width` values, row r holding `first + r` throughout.
tensor rows_of(dtype type, int64_t rows, int64_t width, float first) {
  std::vector<float> values;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < width; ++c)
      values.push_back(first + static_cast<float>(r));
  return make_tensor_from_floats(type, {rows, width}, values);
}

struct batching_fixture : deterministic_fixture {
  explicit batching_fixture(const std::string& policy = "8:5ms",
                            const std::string& params = "")
      : deterministic_fixture(batching_config(policy, params)) {
    auto granted = acquire("batched");
    REQUIRE(granted);
    model = granted.value->model;
    REQUIRE(release(*granted.value));
  }

  using pending = decltype(std::declval<deterministic_fixture&>().post(
      std::declval<inference_actor&>(), infer_atom_v,
      std::declval<std::vector<tensor>>()));

  pending infer(std::vector<tensor> inputs) {
    return post(model, infer_atom_v, std::move(inputs));
  }

  reply<std::vector<tensor>> answer(pending& handle) {
    return collect<std::vector<tensor>>(handle);
  }

  /// What the model answers for `inputs` on their own (a batch of one).
  std::vector<tensor> alone(std::vector<tensor> inputs) {
    auto handle = infer(std::move(inputs));
    run();
    advance(5ms);
    auto out = answer(handle);
    REQUIRE(out);
    return *out.value;
  }

  uint64_t batches() { return info("batched").batches; }

  uint64_t batched_requests() { return info("batched").batched_requests; }

  inference_actor model;
};

struct eager_fixture : batching_fixture {
  eager_fixture() : batching_fixture("8:0") {}
};

struct rejecting_fixture : batching_fixture {
  rejecting_fixture() : batching_fixture("8:0", "&reject_negative=1") {}
};

void check_same(const std::vector<tensor>& got,
                const std::vector<tensor>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].type == want[i].type);
    CHECK(got[i].shape == want[i].shape);
    CHECK(*got[i].bytes == *want[i].bytes);
  }
}

/// Collects the answer to each of `handles` and checks that it holds
/// exactly the rows its request sent (the simulated model echoes them).
void expect_own_rows(batching_fixture& f,
                     std::vector<batching_fixture::pending>& handles,
                     const std::vector<std::vector<tensor>>& inputs) {
  REQUIRE(handles.size() == inputs.size());
  for (size_t j = 0; j < inputs.size(); ++j) {
    auto out = f.answer(handles[j]);
    REQUIRE(out);
    check_same(*out.value, inputs[j]);
  }
}

} // namespace

TEST_CASE_METHOD(batching_fixture,
                 "requests waiting together run as one forward and each "
                 "caller gets exactly its own rows",
                 "[batching]") {
  std::vector<std::vector<tensor>> inputs;
  std::vector<pending> handles;
  int64_t first = 0;
  for (int64_t rows : {1, 3, 2, 2}) {
    inputs.push_back({rows_of(dtype::f32, rows, 4, static_cast<float>(first))});
    first += 10;
  }
  for (auto& in : inputs)
    handles.push_back(infer(in));
  // Eight rows: a full batch runs without waiting for the delay.
  run();
  expect_own_rows(*this, handles, inputs);
  CHECK(batches() == 1);
  CHECK(batched_requests() == 4);
  // Bit-exact against the same requests run on their own.
  for (auto& in : inputs)
    check_same(alone(in), in);
  CHECK(batches() == 1);
  CHECK(info("batched").batching == "8:5ms");
}

TEST_CASE_METHOD(batching_fixture,
                 "a batch that is not full waits the delay for company, no "
                 "longer",
                 "[batching]") {
  auto a = infer({rows_of(dtype::f32, 1, 4, 1)});
  run();
  advance(3ms);
  // A request arriving during the wait joins the batch.
  auto b = infer({rows_of(dtype::f32, 2, 4, 2)});
  run();
  advance(1ms);
  CHECK(batches() == 0);
  advance(1ms);
  CHECK(answer(a));
  CHECK(answer(b));
  CHECK(batches() == 1);
  CHECK(batched_requests() == 2);
}

TEST_CASE_METHOD(eager_fixture,
                 "with no delay only the requests already waiting join",
                 "[batching]") {
  auto a = infer({rows_of(dtype::f32, 1, 4, 1)});
  auto b = infer({rows_of(dtype::f32, 1, 4, 2)});
  run();
  CHECK(answer(a));
  CHECK(answer(b));
  CHECK(batches() == 1);
  auto c = infer({rows_of(dtype::f32, 1, 4, 3)});
  run();
  CHECK(answer(c));
  // One request alone is no batch.
  CHECK(batches() == 1);
  CHECK(batched_requests() == 2);
}

TEST_CASE_METHOD(eager_fixture,
                 "batches never mix dtypes, inner shapes or input counts",
                 "[batching]") {
  std::vector<std::vector<tensor>> inputs{
      {rows_of(dtype::f32, 1, 4, 1)},
      {rows_of(dtype::bf16, 1, 4, 2)},
      {rows_of(dtype::f32, 1, 5, 3)},
      {rows_of(dtype::f32, 2, 4, 4)},
      {rows_of(dtype::f32, 1, 4, 5), rows_of(dtype::f32, 1, 4, 6)},
      {make_tensor_from_floats(dtype::f32, {4}, {1, 2, 3, 4})},
  };
  std::vector<pending> handles;
  for (auto& in : inputs)
    handles.push_back(infer(in));
  run();
  std::vector<std::vector<tensor>> answers;
  for (auto& h : handles) {
    auto out = answer(h);
    REQUIRE(out);
    answers.push_back(*out.value);
  }
  // Only the two fp32 [N x 4] single-input requests shared a forward.
  CHECK(batches() == 1);
  CHECK(batched_requests() == 2);
  for (size_t j = 0; j < inputs.size(); ++j)
    check_same(answers[j], alone(inputs[j]));
}

TEST_CASE_METHOD(eager_fixture,
                 "a batch larger than MAX rows is split over forwards",
                 "[batching]") {
  std::vector<pending> handles;
  for (int i = 0; i < 5; ++i)
    handles.push_back(infer({rows_of(dtype::f32, 3, 4, i)}));
  run();
  for (auto& h : handles)
    CHECK(answer(h));
  // 3 + 3 rows, 3 + 3 rows, then one of 3 alone.
  CHECK(batches() == 2);
  CHECK(batched_requests() == 4);
}

TEST_CASE_METHOD(rejecting_fixture, "a bad input fails only its own request",
                 "[batching]") {
  std::vector<std::vector<tensor>> inputs{
      {rows_of(dtype::f32, 1, 4, 1)},
      {rows_of(dtype::f32, 1, 4, -7)},
      {rows_of(dtype::f32, 2, 4, 3)},
  };
  std::vector<pending> handles;
  for (auto& in : inputs)
    handles.push_back(infer(in));
  run();
  auto good0 = answer(handles[0]);
  auto bad = answer(handles[1]);
  auto good2 = answer(handles[2]);
  REQUIRE(good0);
  REQUIRE(good2);
  check_same(*good0.value, inputs[0]);
  check_same(*good2.value, inputs[2]);
  CHECK(bad.error.code == errc::bad_input);
  // The batch failed and ran again request by request.
  CHECK(batches() == 0);
}

TEST_CASE_METHOD(eager_fixture, "runs join batches and each lease comes back",
                 "[batching]") {
  std::vector<std::vector<tensor>> inputs;
  std::vector<pending> handles;
  for (int i = 0; i < 4; ++i) {
    inputs.push_back({rows_of(dtype::f32, 1, 4, static_cast<float>(i))});
    handles.push_back(post(sup, run_atom_v, model_spec::by_id("batched"),
                           acquire_timeout, inputs.back()));
  }
  run();
  expect_own_rows(*this, handles, inputs);
  CHECK(batches() == 1);
  CHECK(batched_requests() == 4);
  CHECK(info("batched").refs == 0);
}

TEST_CASE_METHOD(batching_fixture,
                 "an unload runs the requests waiting for a batch first",
                 "[batching]") {
  auto a = infer({rows_of(dtype::f32, 1, 4, 1)});
  run();
  auto unloaded = ask<bool>(sup, unload_atom_v, std::string{"batched"}, true);
  CHECK(unloaded);
  CHECK(answer(a));
}

TEST_CASE_METHOD(batching_fixture,
                 "requests waiting for a batch get an error when the model "
                 "actor stops",
                 "[batching]") {
  auto a = infer({rows_of(dtype::f32, 1, 4, 1)});
  auto b = infer({rows_of(dtype::f32, 2, 4, 3)});
  run();
  caf::anon_send_exit(model, caf::exit_reason::user_shutdown);
  run();
  for (auto* handle : {&a, &b}) {
    auto out = answer(*handle);
    REQUIRE_FALSE(out);
    CHECK(out.error.code == errc::model_unloaded);
    CHECK_THAT(out.error.message, Catch::Contains("'batched'"));
  }
  // The supervisor loads the model again for the next caller.
  auto granted = acquire("batched");
  REQUIRE(granted);
  CHECK(release(*granted.value));
}
