// `run MODEL`: acquire, one inference on a generated input, release, each
// step timed on the client's clock.

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

void print_report(const ctl_options& opts, const lease& held,
                  const tensor& input, const std::vector<tensor>& outputs,
                  const run_timings& t, uint32_t refs_after) {
  if (opts.json) {
    auto output_meta = nlohmann::ordered_json::array();
    for (auto& x : outputs)
      output_meta.push_back(tensor_meta(x));
    print_json({{"model", held.name},
                {"lease", held.id},
                {"input", tensor_meta(input)},
                {"outputs", std::move(output_meta)},
                {"acquire_ms", t.acquire_ms},
                {"infer_ms", t.infer_ms},
                {"release_ms", t.release_ms},
                {"refs_after", refs_after}});
    return;
  }
  std::string out_text;
  for (auto& x : outputs)
    out_text += fmt::format("{}{} {}", out_text.empty() ? "" : ", ",
                            to_string(x.type), shape_text(x.shape));
  print_text(fmt::format("model    {} (lease {})\n"
                         "input    {} {}\n"
                         "output   {}\n"
                         "acquire  {:.3f} ms\n"
                         "infer    {:.3f} ms\n"
                         "release  {:.3f} ms\n"
                         "refs     {} after release\n",
                         held.name, held.id, to_string(input.type),
                         shape_text(input.shape),
                         out_text.empty() ? "(none)" : out_text, t.acquire_ms,
                         t.infer_ms, t.release_ms, refs_after));
}

} // namespace

exit_code run_model_verb(node_session& node, const ctl_options& opts) {
  auto& client = node.client();
  auto input = warmup_input(opts.input);
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
