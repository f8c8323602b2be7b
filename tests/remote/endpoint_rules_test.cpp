// A hostile client in this process sends a real cmm-node what only
// operators, the node itself or its cluster may send, through every handle a
// client gets: the client endpoint, a lease's owner and a lease's model
// actor. Each request must be refused with `not_permitted`, change nothing,
// and leave the node serving another client.

#include <catch2/catch.hpp>

#include <chrono>

#include <caf/actor_cast.hpp>
#include <caf/scoped_actor.hpp>

#include "cmm/blocking_client.hpp"
#include "cmm/error.hpp"
#include "remote_fixture.hpp"

using namespace cmm;
using namespace std::chrono_literals;

namespace {

/// Sends `xs` to `dest` as a request and answers the failure; a value in
/// answer comes back as an unexpected response (`manager_unavailable`).
template <class... Ts>
errc refusal(caf::actor_system& sys, const caf::actor& dest, Ts&&... xs) {
  caf::scoped_actor self{sys};
  errc out = errc::none;
  self->request(dest, 10s, std::forward<Ts>(xs)...)
      .receive([](caf::ok_atom) {},
               [&](caf::error& err) { out = to_failure(err).code; });
  return out;
}

/// What only an operator or the node itself may ask, each refused.
void require_refused_everything(caf::actor_system& sys,
                                const caf::actor& dest) {
  auto name = std::string{"echo32"};
  CHECK(refusal(sys, dest, drain_atom_v) == errc::not_permitted);
  CHECK(refusal(sys, dest, unload_atom_v, name, true) == errc::not_permitted);
  CHECK(refusal(sys, dest, unload_all_atom_v, true) == errc::not_permitted);
  CHECK(refusal(sys, dest, cleanup_atom_v) == errc::not_permitted);
  CHECK(refusal(sys, dest, reset_atom_v, name) == errc::not_permitted);
  CHECK(refusal(sys, dest, preload_atom_v, model_spec::by_id("echobf16")) ==
        errc::not_permitted);
  CHECK(refusal(sys, dest, devices_atom_v) == errc::not_permitted);
  CHECK(refusal(sys, dest, idle_atom_v, name, uint64_t{1}) ==
        errc::not_permitted);
  CHECK(refusal(sys, dest, deadline_atom_v, name, uint64_t{1}) ==
        errc::not_permitted);
  CHECK(refusal(sys, dest, hello_atom_v, std::string{"127.0.0.1:1"},
                caf::actor{}) == errc::not_permitted);
  CHECK(refusal(sys, dest, place_atom_v, name) == errc::not_permitted);
  CHECK(refusal(sys, dest, peers_atom_v) == errc::not_permitted);
}

} // namespace

TEST_CASE_METHOD(test::remote_fixture,
                 "the client endpoint refuses operator, internal and cluster "
                 "messages",
                 "[remote][hostile][endpoints]") {
  blocking_client remote{client.sys(), endpoint, 10s};
  auto held = remote.acquire(model_spec::by_id("echo32"));
  require_refused_everything(client.sys(),
                             caf::actor_cast<caf::actor>(endpoint));
  // Nothing changed: the model is still held and ready, nothing drains.
  auto info = remote.get_model_info("echo32");
  CHECK(info->state == "ready");
  CHECK(info->refs == 1);
  CHECK(remote.release_model(held) == 0);
  CHECK(remote.is_model_loaded("echo32"));
  test::check_node_serves(*this);
  // The blocking client says where operator verbs go.
  try {
    remote.unload_model("echo32");
    FAIL("unload through the client endpoint was served");
  } catch (const manager_error& err) {
    CHECK(err.code() == errc::not_permitted);
    CHECK(std::string{err.what()}.find("operator endpoint") !=
          std::string::npos);
  }
}

TEST_CASE_METHOD(test::remote_fixture,
                 "a lease's owner and model actor refuse what a client may "
                 "not send",
                 "[remote][hostile][endpoints]") {
  blocking_client remote{client.sys(), endpoint, 10s};
  auto held = remote.acquire(model_spec::by_id("echo32"));
  auto& granted = held.get();
  REQUIRE(granted.owner);
  CHECK(granted.owner != endpoint);
  require_refused_everything(client.sys(),
                             caf::actor_cast<caf::actor>(granted.owner));
  auto model = caf::actor_cast<caf::actor>(granted.model);
  auto& sys = client.sys();
  CHECK(refusal(sys, model, free_atom_v) == errc::not_permitted);
  CHECK(refusal(sys, model, load_atom_v) == errc::not_permitted);
  CHECK(refusal(sys, model, move_atom_v, std::string{"cpu"}) ==
        errc::not_permitted);
  CHECK(refusal(sys, model, drain_atom_v) == errc::not_permitted);
  // The model still serves its holder.
  auto input = make_tensor_from_floats(dtype::f32, {1, 3}, {1.f, 2.f, 3.f});
  auto out = remote.infer(granted, {input});
  REQUIRE(out.size() == 1);
  CHECK(*out[0].bytes == *input.bytes);
  CHECK(remote.get_model_info("echo32")->bytes > 0);
  CHECK(remote.release_model(held) == 0);
  test::check_node_serves(*this);
}

TEST_CASE_METHOD(test::remote_fixture,
                 "the operator endpoint serves operator verbs and refuses "
                 "internal and cluster messages",
                 "[remote][hostile][endpoints]") {
  auto& sys = client.sys();
  auto any = caf::actor_cast<caf::actor>(operators);
  CHECK(refusal(sys, any, idle_atom_v, std::string{"echo32"}, uint64_t{1}) ==
        errc::not_permitted);
  CHECK(refusal(sys, any, deadline_atom_v, std::string{"echo32"},
                uint64_t{1}) == errc::not_permitted);
  CHECK(refusal(sys, any, hello_atom_v, std::string{"127.0.0.1:1"},
                caf::actor{}) == errc::not_permitted);
  blocking_client node_operator{sys, operators, 10s};
  node_operator.preload(model_spec::by_id("echo32"));
  CHECK(node_operator.is_model_loaded("echo32"));
  CHECK(node_operator.unload_model("echo32"));
  CHECK_FALSE(node_operator.devices().empty());
  // A client endpoint is not an operator endpoint.
  CHECK_FALSE(client.connect_operator(node->port()));
  test::check_node_serves(*this);
}

TEST_CASE("an operator endpoint off loopback without TLS is announced with "
          "a warning",
          "[remote][endpoints]") {
  test::temp_directory dir;
  auto options = test::remote_catalog(dir.file("absent.pt"));
  options.extra_config = {"operator-bind=\"0.0.0.0\""};
  test::node_process node{dir, options};
  auto out = node.process().out();
  CHECK(out.find("warning: the operator endpoint listens on 0.0.0.0 without "
                 "TLS") != std::string::npos);
}
