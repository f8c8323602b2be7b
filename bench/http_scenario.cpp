// http: one inference as an HTTP client makes it (KServe v2 over loopback,
// JSON and binary tensors) next to the same step through the CAF interface
// (acquire, infer, release with the blocking client), against one manager
// in this process serving a simulated model.

#include <cstring>

#include <httplib.h>

#include "cmm/blocking_client.hpp"
#include "cmm/gate.hpp"
#include "cmm/http_front.hpp"
#include "cmm/sim_backend.hpp"
#include "manager_under_test.hpp"
#include "scenario.hpp"
#include "thread_clients.hpp"

namespace cmm::bench {

namespace {

constexpr const char* scenario_name = "http";
constexpr const char* model_id = "echo";
constexpr size_t width = 64;

std::string json_body() {
  std::string data;
  for (size_t i = 0; i < width; ++i)
    data += (i > 0 ? ",0.5" : "0.5");
  return R"({"inputs":[{"name":"INPUT__0","datatype":"FP32","shape":[1,)" +
         std::to_string(width) + R"(],"data":[)" + data + "]}]}";
}

/// The binary form: the JSON header, then the input's raw bytes; the output
/// comes back binary too.
std::pair<std::string, size_t> binary_body() {
  std::string header =
      R"({"inputs":[{"name":"INPUT__0","datatype":"FP32","shape":[1,)" +
      std::to_string(width) + R"(],"parameters":{"binary_data_size":)" +
      std::to_string(width * 4) +
      R"(}}],"parameters":{"binary_data_output":true}})";
  std::vector<float> values(width, 0.5f);
  std::string body = header;
  body.append(reinterpret_cast<const char*>(values.data()), width * 4);
  return {body, header.size()};
}

/// A keep-alive client on the step's thread, posting `body` per step.
thread_step_factory http_steps(uint16_t port, std::string body,
                               httplib::Headers headers,
                               std::string content_type) {
  return [=] {
    auto client = std::make_shared<httplib::Client>("127.0.0.1", port);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);
    client->set_read_timeout(request_timeout);
    return [=]() -> bool {
      auto res =
          client->Post("/v2/models/echo/infer", headers, body, content_type);
      return res && res->status == 200;
    };
  };
}

} // namespace

void run_http(scenario_context& ctx) {
  auto& report = ctx.report;
  report.begin(scenario_name,
               "one inference per step, 1x64 fp32 on a simulated model, "
               "acquired, run and released: over HTTP (KServe v2, "
               "keep-alive, loopback) next to the CAF interface in process");
  // The manager runs in this process's actor system: a second system with
  // a published endpoint sometimes never finished its shutdown (CAF 0.17,
  // as cmm-node's own exit works around), so CAF over loopback is the
  // remote scenario's row, not this one's.
  auto& server = ctx.sys;
  auto mcfg = bench_manager_config();
  mcfg.models.emplace(
      model_id,
      catalog_entry{model_id, "sim://http-echo?bytes=1000000", "base"});
  manager_under_test mut{server, mcfg, std::make_shared<sim_backend>()};
  auto front = http_front::start_client(
      server, spawn_client_gate(server, mut.supervisor()),
      std::make_shared<manager_metrics>(), std::make_shared<node_status>(),
      http_settings{});
  if (!front)
    throw std::runtime_error("cannot start the HTTP front: " +
                             front.error().message);
  auto port = (*front)->port();
  thread_clients_options opts;
  opts.steps_each = ctx.plan.remote_pairs;
  auto input = make_tensor_from_floats(dtype::f32, {1, width},
                                       std::vector<float>(width, 0.5f));
  auto caf_steps = [input](caf::actor_system& sys, auto handle) {
    return [&sys, handle, input] {
      auto user =
          std::make_shared<blocking_client>(sys, handle, request_timeout);
      return [user, input]() -> bool {
        auto held = user->acquire(model_spec::by_id(model_id));
        return user->infer(held.get(), {input}).size() == 1;
      };
    };
  };
  auto local_steps = caf_steps(server, mut.supervisor());
  // The first request loads the model; it is not measured.
  run_client_threads({}, local_steps);
  auto local =
      make_run_row(scenario_name, "http.caf-local",
                   "cmm acquire+infer+release, blocking client, in process",
                   run_client_threads(opts, local_steps), "http");
  auto json = make_run_row(
      scenario_name, "http.json", "HTTP v2 infer, JSON tensors, loopback",
      run_client_threads(opts,
                         http_steps(port, json_body(), {}, "application/json")),
      "http");
  auto [binary, header_length] = binary_body();
  auto bin = make_run_row(
      scenario_name, "http.binary", "HTTP v2 infer, binary tensors, loopback",
      run_client_threads(opts, http_steps(port, binary,
                                          {{"Inference-Header-Content-Length",
                                            std::to_string(header_length)}},
                                          "application/octet-stream")),
      "http");
  front->reset();
  compare(json, local);
  compare(bin, local);
  report.add(std::move(local));
  report.add(std::move(json));
  report.add(std::move(bin));
  report.note(scenario_name,
              std::to_string(opts.steps_each) +
                  " requests per row, one after another from one thread; "
                  "an HTTP request acquires, runs and releases inside the "
                  "serving process, the CAF row does so from its client");
}

} // namespace cmm::bench
