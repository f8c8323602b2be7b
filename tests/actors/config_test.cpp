#include <catch2/catch.hpp>

#include <sstream>

#include "cmm/config.hpp"

using namespace cmm;

namespace {

result<manager_config> read_ini(const std::string& ini,
                                std::vector<std::string> args = {}) {
  manager_system_config cfg;
  std::vector<char*> argv{const_cast<char*>("test")};
  for (auto& arg : args)
    argv.push_back(arg.data());
  std::istringstream in{ini};
  if (auto err = cfg.parse(static_cast<int>(argv.size()), argv.data(), in))
    return failure{errc::invalid_spec, cfg.render(err)};
  return read_manager_config(cfg);
}

} // namespace

TEST_CASE("defaults hold without a config file", "[config]") {
  auto cfg = read_ini("");
  REQUIRE(cfg);
  CHECK(cfg->default_device == "cpu");
  CHECK(cfg->idle_timeout == std::chrono::seconds{300});
  CHECK(cfg->dtype == "auto");
  CHECK(cfg->accelerator_dtype == "bf16");
  CHECK(cfg->on_cast_failure == cast_fallback::as_saved);
  CHECK(cfg->allowed_types ==
        std::vector<std::string>{"base", "custom_voice", "voice_design"});
  CHECK(cfg->load_timeout == std::chrono::minutes{10});
  CHECK(cfg->size_timeout == std::chrono::seconds{30});
  CHECK(cfg->models.empty());
}

TEST_CASE("the scheduler defaults to sharing and stays overridable",
          "[config]") {
  auto policy_of = [](const std::string& ini, std::vector<std::string> args) {
    manager_system_config cfg;
    std::vector<char*> argv{const_cast<char*>("test")};
    for (auto& arg : args)
      argv.push_back(arg.data());
    std::istringstream in{ini};
    REQUIRE_FALSE(cfg.parse(static_cast<int>(argv.size()), argv.data(), in));
    return caf::to_string(
        caf::get_or(cfg, "scheduler.policy", caf::atom("none")));
  };
  CHECK(policy_of("", {}) == "sharing");
  CHECK(policy_of("", {"--scheduler.policy=stealing"}) == "stealing");
  CHECK(policy_of("[scheduler]\npolicy='stealing'\n", {}) == "stealing");
}

TEST_CASE("the INI file and flags set every option, flags winning",
          "[config]") {
  auto cfg = read_ini(R"(
[cmm]
default-device="cuda:1"
idle-timeout=90s
dtype="fp16"
accelerator-dtype="fp32"
cast-fallback="refuse"
allowed-types=["base", "vocoder"]
intra-op-threads=2
log-level="off"
[cmm.models]
base="models/base.pt,base"
voc="models/voc.pt,vocoder,cpu,fp32"
)",
                      {"--cmm.idle-timeout=5s"});
  REQUIRE(cfg);
  CHECK(cfg->default_device == "cuda:1");
  CHECK(cfg->idle_timeout == std::chrono::seconds{5});
  CHECK(cfg->dtype == "fp16");
  CHECK(cfg->accelerator_dtype == "fp32");
  CHECK(cfg->on_cast_failure == cast_fallback::refuse);
  CHECK(cfg->allowed_types == std::vector<std::string>{"base", "vocoder"});
  CHECK(cfg->intra_op_threads == 2);
  CHECK(cfg->log_level == "off");
  REQUIRE(cfg->models.size() == 2);
  auto& voc = cfg->models.at("voc");
  CHECK(voc.path == "models/voc.pt");
  CHECK(voc.type == "vocoder");
  CHECK(voc.device == "cpu");
  CHECK(voc.dtype == "fp32");
  CHECK(cfg->models.at("base").device.empty());
}

TEST_CASE("bad config values are errors naming the key", "[config]") {
  struct bad_case {
    std::string ini;
    std::string key;
  };
  std::vector<bad_case> cases = {
      {"[cmm]\ndefault-device=\"tpu\"\n", "cmm.default-device"},
      {"[cmm]\ndtype=\"int8\"\n", "cmm.dtype"},
      {"[cmm]\naccelerator-dtype=\"auto\"\n", "cmm.accelerator-dtype"},
      {"[cmm]\ncast-fallback=\"maybe\"\n", "cmm.cast-fallback"},
      {"[cmm]\nidle-timeout=0s\n", "cmm.idle-timeout"},
      {"[cmm]\nallowed-types=[]\n", "cmm.allowed-types"},
      {"[cmm.models]\nx=\"only-a-path\"\n", "cmm.models.x"},
      {"[cmm.models]\nx=\"p.pt,vocoder\"\n", "cmm.models.x"},
  };
  for (auto& c : cases) {
    INFO(c.ini);
    auto cfg = read_ini(c.ini);
    REQUIRE_FALSE(cfg);
    CHECK_THAT(cfg.error().message, Catch::Contains(c.key));
  }
}

TEST_CASE("memory options are read and checked", "[config]") {
  auto cfg = read_ini(R"(
[cmm]
budgets=["cuda:0=6GB", "cpu=16GiB", "sim:2=1000"]
cpu-budget-fraction=0.5
cuda-reserve="256MiB"
eviction-policy="cost-aware"
admission-timeout=5s
load-timeout=2min
size-timeout=3s
[cmm.models]
base="m/base.pt,base,cuda:0,bf16,pin,warmup=fp32:1x64*2,fallback=int8:m/b8.pt"
slow="m/slow.pt,base,cpu,fp32,load-timeout=1.5h"
)");
  REQUIRE(cfg);
  CHECK(cfg->budgets.at("cuda:0") == 6000000000);
  CHECK(cfg->budgets.at("cpu") == uint64_t{16} << 30);
  CHECK(cfg->budgets.at("sim:2") == 1000);
  CHECK(cfg->cpu_budget_fraction == 0.5);
  CHECK(cfg->cuda_reserve_bytes == uint64_t{256} << 20);
  CHECK(cfg->policy == eviction_policy::cost_aware);
  CHECK(cfg->admission_timeout == std::chrono::seconds{5});
  CHECK(cfg->load_timeout == std::chrono::minutes{2});
  CHECK(cfg->size_timeout == std::chrono::seconds{3});
  CHECK_FALSE(cfg->models.at("base").load_timeout);
  CHECK(cfg->models.at("slow").load_timeout == std::chrono::minutes{90});
  auto& base = cfg->models.at("base");
  CHECK(base.pinned);
  REQUIRE(base.warmup);
  CHECK(base.warmup->shape == std::vector<int64_t>{1, 64});
  CHECK(base.warmup->runs == 2);
  REQUIRE(base.fallbacks.size() == 1);
  CHECK(base.fallbacks[0].label == "int8");
  CHECK(base.fallbacks[0].path == "m/b8.pt");
  for (auto bad :
       {"[cmm]\nbudgets=[\"gpu=1GB\"]\n", "[cmm]\nbudgets=[\"cpu=lots\"]\n",
        "[cmm]\neviction-policy=\"random\"\n",
        "[cmm]\ncpu-budget-fraction=1.5\n", "[cmm]\nload-timeout=0s\n",
        "[cmm]\nsize-timeout=0s\n",
        "[cmm.models]\nx=\"p.pt,base,cpu,fp32,load-timeout=0s\"\n",
        "[cmm.models]\nx=\"p.pt,base,cpu,fp32,load-timeout=soon\"\n"}) {
    INFO(bad);
    CHECK_FALSE(read_ini(bad));
  }
}
