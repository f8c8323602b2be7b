// `run MODEL`: acquire, one inference on a generated input, release, each
// step timed on the client's clock; with `--fused` the three are one
// request, timed as a whole.

#include <chrono>

#include <fmt/format.h>

#include "output.hpp"
#include "time_text.hpp"
#include "verbs.hpp"

namespace cmm::ctl {

namespace {

using steady = std::chrono::steady_clock;

struct run_timings {
  double acquire_ms = 0;
  double infer_ms = 0;
  double release_ms = 0;
};

std::string shape_text(const std::vector<int64_t>& shape) {
  return fmt::format("[{}]", fmt::join(shape, "x"));
}

nlohmann::ordered_json tensor_meta(const tensor& x) {
  return {{"dtype", to_string(x.type)}, {"shape", x.shape}};
}

nlohmann::ordered_json outputs_meta(const std::vector<tensor>& outputs) {
  auto meta = nlohmann::ordered_json::array();
  for (auto& x : outputs)
    meta.push_back(tensor_meta(x));
  return meta;
}

std::string outputs_text(const std::vector<tensor>& outputs) {
  std::string text;
  for (auto& x : outputs)
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", to_string(x.type),
                        shape_text(x.shape));
  return text.empty() ? "(none)" : text;
}

void print_report(const ctl_options& opts, const lease& held,
                  const tensor& input, const std::vector<tensor>& outputs,
                  const run_timings& t, uint32_t refs_after) {
  if (opts.json) {
    print_json({{"model", held.name},
                {"lease", held.id},
                {"input", tensor_meta(input)},
                {"outputs", outputs_meta(outputs)},
                {"acquire_ms", t.acquire_ms},
                {"infer_ms", t.infer_ms},
                {"release_ms", t.release_ms},
                {"refs_after", refs_after}});
    return;
  }
  print_text(fmt::format("model    {} (lease {})\n"
                         "input    {} {}\n"
                         "output   {}\n"
                         "acquire  {:.3f} ms\n"
                         "infer    {:.3f} ms\n"
                         "release  {:.3f} ms\n"
                         "refs     {} after release\n",
                         held.name, held.id, to_string(input.type),
                         shape_text(input.shape), outputs_text(outputs),
                         t.acquire_ms, t.infer_ms, t.release_ms, refs_after));
}

void print_fused_report(const ctl_options& opts, const tensor& input,
                        const std::vector<tensor>& outputs, double run_ms) {
  if (opts.json) {
    print_json({{"model", opts.model},
                {"fused", true},
                {"input", tensor_meta(input)},
                {"outputs", outputs_meta(outputs)},
                {"run_ms", run_ms}});
    return;
  }
  print_text(fmt::format("model    {} (fused run)\n"
                         "input    {} {}\n"
                         "output   {}\n"
                         "run      {:.3f} ms\n",
                         opts.model, to_string(input.type),
                         shape_text(input.shape), outputs_text(outputs),
                         run_ms));
}

} // namespace

exit_code run_model_verb(node_session& node, const ctl_options& opts) {
  auto& client = node.client();
  auto input = warmup_input(opts.input);
  if (opts.fused) {
    auto start = steady::now();
    auto outputs = client.infer_once(requested_spec(opts), {input});
    print_fused_report(opts, input, outputs, to_ms(steady::now() - start));
    return exit_code::ok;
  }
  run_timings t;
  auto start = steady::now();
  auto held = client.acquire(requested_spec(opts));
  auto acquired = steady::now();
  t.acquire_ms = to_ms(acquired - start);
  std::vector<tensor> outputs;
  try {
    outputs = client.infer(held.get(), {input});
  } catch (...) {
    client.release_model(held);
    throw;
  }
  auto inferred = steady::now();
  t.infer_ms = to_ms(inferred - acquired);
  auto granted = held.get();
  auto refs_after = client.release_model(held);
  t.release_ms = to_ms(steady::now() - inferred);
  print_report(opts, granted, input, outputs, t, refs_after);
  return exit_code::ok;
}

} // namespace cmm::ctl
