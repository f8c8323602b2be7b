#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include <caf/event_based_actor.hpp>

#include "cmm/blocking_client.hpp"
#include "cmm/tensor.hpp"
#include "remote_fixture.hpp"

using namespace cmm;
using namespace std::chrono_literals;

namespace {

/// What `remote_session` saw, step by step.
struct session_outcome {
  bool same_model = false;
  uint32_t refs_while_held = 0;
  std::vector<int64_t> output_shape;
  uint32_t refs_after_first_release = 99;
  uint32_t refs_after_second_release = 99;
  std::string error;
};

using outcome_promise = std::shared_ptr<std::promise<session_outcome>>;

/// One run of `remote_session`: acquires `tiny` twice from a remote
/// endpoint, asks for its info, runs it once and releases both leases,
/// each step an asynchronous request whose answer starts the next.
struct session {
  caf::event_based_actor* self;
  client_actor sup;
  tensor input;
  outcome_promise done;
  session_outcome seen;
  lease first;
  lease second;
};

using session_ptr = std::shared_ptr<session>;

void finish(const session_ptr& s) {
  s->done->set_value(s->seen);
  s->self->quit();
}

auto on_error(session_ptr s) {
  return [s](caf::error& err) {
    s->seen.error = s->self->system().render(err);
    finish(s);
  };
}

/// Releases `held`, notes the refs left in `refs_left` (a part of `s`) and
/// goes on with `next`.
void release(session_ptr s, const lease& held, uint32_t& refs_left,
             void (*next)(const session_ptr&)) {
  s->self->request(s->sup, 10s, release_atom_v, held.id, held.token)
      .then(
          [s, &refs_left, next](uint32_t refs) {
            refs_left = refs;
            next(s);
          },
          on_error(s));
}

void release_second(const session_ptr& s) {
  release(s, s->second, s->seen.refs_after_second_release, finish);
}

void release_first(const session_ptr& s) {
  release(s, s->first, s->seen.refs_after_first_release, release_second);
}

void run_model(session_ptr s) {
  s->self
      ->request(s->first.model, 10s, infer_atom_v,
                std::vector<tensor>{s->input})
      .then(
          [s](const std::vector<tensor>& out) {
            if (!out.empty())
              s->seen.output_shape = out[0].shape;
            release_first(s);
          },
          on_error(s));
}

void read_refs(session_ptr s) {
  s->self->request(s->sup, 10s, info_atom_v, std::string{"tiny"})
      .then(
          [s](const model_info& stats) {
            s->seen.refs_while_held = stats.refs;
            run_model(s);
          },
          on_error(s));
}

void acquire_twice(session_ptr s) {
  auto id = model_spec::by_id("tiny");
  s->self
      ->request(s->sup, 11s, acquire_atom_v, id, caf::actor{},
                caf::timespan{10s})
      .then(
          [s, id](const lease& first) {
            s->first = first;
            s->self
                ->request(s->sup, 11s, acquire_atom_v, id, caf::actor{},
                          caf::timespan{10s})
                .then(
                    [s](const lease& second) {
                      s->second = second;
                      s->seen.same_model = s->first.model == second.model;
                      read_refs(s);
                    },
                    on_error(s));
          },
          on_error(s));
}

void remote_session(caf::event_based_actor* self, client_actor sup,
                    tensor input, outcome_promise done) {
  acquire_twice(std::make_shared<session>(session{
      self, std::move(sup), std::move(input), std::move(done), {}, {}, {}}));
}

tensor floats_of_shape(int64_t rows, int64_t width) {
  std::vector<float> values(static_cast<size_t>(rows * width), 0.5f);
  return make_tensor_from_floats(dtype::f32, {rows, width}, values);
}

} // namespace

TEST_CASE_METHOD(test::remote_fixture,
                 "remote acquire, infer and release through the blocking "
                 "client share one model instance",
                 "[remote]") {
  blocking_client remote{client.sys(), endpoint, 10s};
  auto first = remote.acquire(model_spec::by_id("tiny"));
  auto second = remote.acquire(model_spec::by_id("tiny"));
  CHECK(first.get().model == second.get().model);
  CHECK(first.get().id != second.get().id);
  CHECK(first.get().name == "tiny");
  auto stats = remote.get_model_info("tiny");
  REQUIRE(stats);
  CHECK(stats->refs == 2);
  CHECK(stats->load_count == 1);
  CHECK(stats->state == "ready");
  auto out = remote.infer(first.get(), {floats_of_shape(3, blueprint.width)});
  REQUIRE(out.size() == 1);
  CHECK(out[0].type == dtype::f32);
  CHECK(out[0].shape == std::vector<int64_t>{3, blueprint.width});
  CHECK(out[0].nbytes() == 3 * blueprint.width * sizeof(float));
  CHECK(remote.release_model(first) == 1);
  CHECK(remote.release_model(second) == 0);
  CHECK(remote.get_model_info("tiny")->refs == 0);
}

TEST_CASE_METHOD(test::remote_fixture,
                 "remote acquire, infer and release from an event-based "
                 "actor share one model instance",
                 "[remote]") {
  auto done = std::make_shared<std::promise<session_outcome>>();
  auto result = done->get_future();
  client.sys().spawn(remote_session, endpoint,
                     floats_of_shape(2, blueprint.width), done);
  REQUIRE(result.wait_for(30s) == std::future_status::ready);
  auto seen = result.get();
  REQUIRE(seen.error.empty());
  CHECK(seen.same_model);
  CHECK(seen.refs_while_held == 2);
  CHECK(seen.output_shape == std::vector<int64_t>{2, blueprint.width});
  CHECK(seen.refs_after_first_release == 1);
  CHECK(seen.refs_after_second_release == 0);
}

TEST_CASE_METHOD(test::remote_fixture,
                 "a remote request naming a model by path is refused with "
                 "not_permitted, one naming a catalog id is served",
                 "[remote]") {
  blocking_client remote{client.sys(), endpoint, 10s};
  auto refused = [&](const model_spec& spec) {
    try {
      remote.acquire(spec);
    } catch (const manager_error& err) {
      return err.code();
    }
    return errc::none;
  };
  CHECK(refused(model_spec::by_path("sim://sneaky?bytes=10", "base")) ==
        errc::not_permitted);
  CHECK(refused(model_spec::by_path(dir.file("tiny.pt"), "base")) ==
        errc::not_permitted);
  auto spec_with_both = model_spec::by_id("echo32");
  spec_with_both.path = dir.file("tiny.pt");
  CHECK(refused(spec_with_both) == errc::not_permitted);
  blocking_client node_operator{client.sys(), operators, 10s};
  try {
    node_operator.preload(model_spec::by_path("sim://sneaky?bytes=10", "base"));
    FAIL("a remote preload by path was served");
  } catch (const manager_error& err) {
    CHECK(err.code() == errc::not_permitted);
  }
  CHECK_FALSE(remote.is_model_loaded("sim://sneaky?bytes=10"));
  auto held = remote.acquire(model_spec::by_id("echo32"));
  CHECK(held.get().name == "echo32");
  CHECK(remote.get_model_info("echo32")->refs == 1);
}

TEST_CASE_METHOD(test::remote_fixture,
                 "a remote run answers what acquire and infer answer and "
                 "holds nothing afterwards",
                 "[remote][run]") {
  blocking_client remote{client.sys(), endpoint, 10s};
  auto input = floats_of_shape(3, blueprint.width);
  auto fused = remote.infer_once(model_spec::by_id("tiny"), {input});
  auto held = remote.acquire(model_spec::by_id("tiny"));
  auto stepwise = remote.infer(held.get(), {input});
  REQUIRE(fused.size() == stepwise.size());
  for (size_t i = 0; i < fused.size(); ++i) {
    CHECK(fused[i].shape == stepwise[i].shape);
    CHECK(*fused[i].bytes == *stepwise[i].bytes);
  }
  // The run's reference came back before its answer left the node.
  CHECK(remote.release_model(held) == 0);
  CHECK(remote.get_model_info("tiny")->load_count == 1);
  try {
    remote.infer_once(model_spec::by_path("sim://sneaky?bytes=10", "base"),
                      {input});
    FAIL("a remote run by path was served");
  } catch (const manager_error& err) {
    CHECK(err.code() == errc::not_permitted);
  }
  CHECK_FALSE(remote.is_model_loaded("sim://sneaky?bytes=10"));
}
