#include "cmm/model_spec.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "cmm/catalog.hpp"
#include "cmm/manager_config.hpp"

using namespace cmm;
using Catch::Matchers::Contains;

namespace {

using kind = device::kind_t;

manager_config make_config() {
  manager_config cfg;
  cfg.default_device = "cpu";
  cfg.dtype = "bf16";
  cfg.models["plain"] = {"plain", "/models/plain.pt", "base", "", ""};
  cfg.models["gpu"] = {"gpu", "/models/gpu.pt", "custom_voice", "cuda:1",
                       "fp16"};
  cfg.models["sim"] = {"sim", "sim://voice?bytes=10", "voice_design", "sim:2",
                       ""};
  return cfg;
}

} // namespace

TEST_CASE("a spec by path takes device and dtype from the config",
          "[model_spec]") {
  auto cfg = make_config();
  cfg.default_device = "cuda:3";
  cfg.dtype = "fp32";
  auto res = resolve(model_spec::by_path("/m/a.pt", "base"), cfg);
  REQUIRE(res);
  CHECK(res->name == "/m/a.pt");
  CHECK(res->id.empty());
  CHECK(res->path == "/m/a.pt");
  CHECK(res->type == "base");
  CHECK(res->target == device{kind::cuda, 3});
  CHECK(res->precision == dtype::f32);
}

TEST_CASE("a spec by path may name its device and dtype", "[model_spec]") {
  auto cfg = make_config();
  auto spec = model_spec::by_path("/m/a.pt", "voice_design", "sim:4");
  spec.dtype = "half";
  auto res = resolve(spec, cfg);
  REQUIRE(res);
  CHECK(res->target == device{kind::sim, 4});
  CHECK(res->precision == dtype::f16);
}

TEST_CASE("the default config resolves a path to cpu, as saved",
          "[model_spec]") {
  manager_config cfg;
  auto res = resolve(model_spec::by_path("/m/a.pt", "base"), cfg);
  REQUIRE(res);
  CHECK(res->target == device{kind::cpu, -1});
  CHECK(res->keep_saved);
}

TEST_CASE("a spec by id takes path and type from the catalog", "[model_spec]") {
  auto cfg = make_config();
  SECTION("an entry without device or dtype uses the config's") {
    auto res = resolve(model_spec::by_id("plain"), cfg);
    REQUIRE(res);
    CHECK(res->name == "plain");
    CHECK(res->id == "plain");
    CHECK(res->path == "/models/plain.pt");
    CHECK(res->type == "base");
    CHECK(res->target == device{kind::cpu, -1});
    CHECK(res->precision == dtype::bf16);
  }
  SECTION("an entry's device and dtype override the config's") {
    auto res = resolve(model_spec::by_id("gpu"), cfg);
    REQUIRE(res);
    CHECK(res->name == "gpu");
    CHECK(res->path == "/models/gpu.pt");
    CHECK(res->type == "custom_voice");
    CHECK(res->target == device{kind::cuda, 1});
    CHECK(res->precision == dtype::f16);
  }
  SECTION("an entry's device alone overrides the config's") {
    auto res = resolve(model_spec::by_id("sim"), cfg);
    REQUIRE(res);
    CHECK(res->target == device{kind::sim, 2});
    CHECK(res->precision == dtype::bf16);
  }
  SECTION("the request's device and dtype override the entry's") {
    auto spec = model_spec::by_id("gpu");
    spec.device = "cuda:0";
    spec.dtype = "fp32";
    auto res = resolve(spec, cfg);
    REQUIRE(res);
    CHECK(res->target == device{kind::cuda, 0});
    CHECK(res->precision == dtype::f32);
  }
  SECTION("the request's device alone keeps the entry's dtype") {
    auto spec = model_spec::by_id("gpu");
    spec.device = "cpu";
    auto res = resolve(spec, cfg);
    REQUIRE(res);
    CHECK(res->target == device{kind::cpu, -1});
    CHECK(res->precision == dtype::f16);
  }
}

TEST_CASE("an unknown catalog id is unknown_model", "[model_spec]") {
  auto res = resolve(model_spec::by_id("nope"), make_config());
  REQUIRE_FALSE(res);
  CHECK(res.error().code == errc::unknown_model);
  CHECK_THAT(res.error().message, Contains("'nope'"));
}

TEST_CASE("a spec needs exactly one of id and path", "[model_spec]") {
  auto cfg = make_config();
  SECTION("both") {
    auto spec = model_spec::by_id("plain");
    spec.path = "/m/a.pt";
    spec.type = "base";
    auto res = resolve(spec, cfg);
    REQUIRE_FALSE(res);
    CHECK(res.error().code == errc::invalid_spec);
  }
  SECTION("neither") {
    model_spec spec;
    spec.type = "base";
    auto res = resolve(spec, cfg);
    REQUIRE_FALSE(res);
    CHECK(res.error().code == errc::invalid_spec);
  }
}

TEST_CASE("an unknown type is unknown_type and lists the allowed ones",
          "[model_spec]") {
  auto type = GENERATE(as<std::string>{}, "", "Base", "tts", "base ");
  CAPTURE(type);
  auto res = resolve(model_spec::by_path("/m/a.pt", type), make_config());
  REQUIRE_FALSE(res);
  CHECK(res.error().code == errc::unknown_type);
  CHECK_THAT(res.error().message, Contains("'" + type + "'"));
  CHECK_THAT(res.error().message, Contains("base, custom_voice, voice_design"));
}

TEST_CASE("custom allowed types are honoured", "[model_spec]") {
  auto cfg = make_config();
  cfg.allowed_types = {"tts", "asr"};
  auto ok = resolve(model_spec::by_path("/m/a.pt", "asr"), cfg);
  REQUIRE(ok);
  CHECK(ok->type == "asr");
  auto bad = resolve(model_spec::by_path("/m/a.pt", "base"), cfg);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::unknown_type);
  CHECK_THAT(bad.error().message, Contains("tts, asr"));
  // Catalog entries are checked against the allowed types too.
  auto entry = resolve(model_spec::by_id("plain"), cfg);
  REQUIRE_FALSE(entry);
  CHECK(entry.error().code == errc::unknown_type);
}

TEST_CASE("check_type accepts members and rejects the rest", "[model_spec]") {
  std::vector<std::string> allowed{"a", "b"};
  CHECK_FALSE(check_type("a", allowed));
  CHECK_FALSE(check_type("b", allowed));
  auto err = check_type("c", allowed);
  REQUIRE(err);
  CHECK(err->code == errc::unknown_type);
  CHECK_THAT(err->message, Contains("a, b"));
}

TEST_CASE("a malformed device is invalid_device", "[model_spec]") {
  auto cfg = make_config();
  SECTION("in the request") {
    auto res = resolve(model_spec::by_path("/m/a.pt", "base", "gpu"), cfg);
    REQUIRE_FALSE(res);
    CHECK(res.error().code == errc::invalid_device);
    CHECK_THAT(res.error().message, Contains("'gpu'"));
  }
  SECTION("in the catalog entry") {
    cfg.models["bad"] = {"bad", "/m/b.pt", "base", "cuda:x", ""};
    auto res = resolve(model_spec::by_id("bad"), cfg);
    REQUIRE_FALSE(res);
    CHECK(res.error().code == errc::invalid_device);
  }
  SECTION("in the config default") {
    cfg.default_device = "tpu";
    auto res = resolve(model_spec::by_path("/m/a.pt", "base"), cfg);
    REQUIRE_FALSE(res);
    CHECK(res.error().code == errc::invalid_device);
  }
}

TEST_CASE("a malformed or non-floating dtype is invalid_dtype",
          "[model_spec]") {
  auto text = GENERATE(as<std::string>{}, "int64", "bool", "fp8", "x");
  CAPTURE(text);
  auto cfg = make_config();
  SECTION("in the request") {
    auto spec = model_spec::by_path("/m/a.pt", "base");
    spec.dtype = text;
    auto res = resolve(spec, cfg);
    REQUIRE_FALSE(res);
    CHECK(res.error().code == errc::invalid_dtype);
    CHECK_THAT(res.error().message, Contains("'" + text + "'"));
  }
  SECTION("in the config default") {
    cfg.dtype = text;
    auto res = resolve(model_spec::by_id("plain"), cfg);
    REQUIRE_FALSE(res);
    CHECK(res.error().code == errc::invalid_dtype);
  }
}

TEST_CASE("parse_catalog_entry reads two to four fields", "[catalog]") {
  catalog_entry out;
  SECTION("path and type") {
    REQUIRE(parse_catalog_entry("a", "/m/a.pt,base", out));
    CHECK(out.id == "a");
    CHECK(out.path == "/m/a.pt");
    CHECK(out.type == "base");
    CHECK(out.device.empty());
    CHECK(out.dtype.empty());
  }
  SECTION("path, type and device") {
    REQUIRE(parse_catalog_entry("b", "/m/b.pt,custom_voice,cuda:1", out));
    CHECK(out.id == "b");
    CHECK(out.path == "/m/b.pt");
    CHECK(out.type == "custom_voice");
    CHECK(out.device == "cuda:1");
    CHECK(out.dtype.empty());
  }
  SECTION("path, type, device and dtype") {
    REQUIRE(parse_catalog_entry("c", "sim://c,base,sim:0,fp16", out));
    CHECK(out.id == "c");
    CHECK(out.path == "sim://c");
    CHECK(out.type == "base");
    CHECK(out.device == "sim:0");
    CHECK(out.dtype == "fp16");
  }
  SECTION("an empty device keeps the default") {
    REQUIRE(parse_catalog_entry("d", "/m/d.pt,base,,fp32", out));
    CHECK(out.device.empty());
    CHECK(out.dtype == "fp32");
  }
}

TEST_CASE("parse_catalog_entry rejects malformed entries", "[catalog]") {
  auto text = GENERATE(as<std::string>{}, "", "/m/a.pt",
                       "/m/a.pt,base,cpu,fp32,x", ",base", "/m/a.pt,", ",",
                       "/m/a.pt,,cpu", "/m/a.pt,base,cpu,fp32,load-timeout=",
                       "/m/a.pt,base,cpu,fp32,load-timeout=-5s",
                       "/m/a.pt,base,cpu,fp32,load-timeout=1e999");
  CAPTURE(text);
  catalog_entry out;
  out.id = "untouched";
  CHECK_FALSE(parse_catalog_entry("a", text, out));
  CHECK(out.id == "untouched");
}

TEST_CASE("a request waits for room as long as its spec or the manager says",
          "[spec]") {
  auto cfg = make_config();
  cfg.admission_timeout = std::chrono::seconds{30};
  auto spec = model_spec::by_id("plain");
  CHECK(patience_for(spec, cfg) == std::chrono::seconds{30});
  spec.wait_ms = 2500;
  CHECK(patience_for(spec, cfg) == std::chrono::milliseconds{2500});
  spec.wait_ms = max_wait_ms;
  CHECK(resolve(spec, cfg));
}

TEST_CASE("resolve refuses specs beyond what one request may cost",
          "[spec][hostile]") {
  auto cfg = make_config();
  struct limit_case {
    const char* what;
    model_spec spec;
    const char* message;
  };
  auto with = [](auto change) {
    auto spec = model_spec::by_id("plain");
    change(spec);
    return spec;
  };
  std::vector<limit_case> cases{
      {"a wait longer than a day",
       with([](model_spec& s) { s.wait_ms = max_wait_ms + 1; }), "a day"},
      {"a wait that overflows any clock",
       with([](model_spec& s) { s.wait_ms = UINT64_MAX; }), "a day"},
      {"an id of 4097 bytes",
       with([](model_spec& s) { s.id = std::string(4097, 'x'); }),
       "id holds 4097 bytes"},
      {"a path of 1 MB", with([](model_spec& s) {
         s.id.clear();
         s.path = std::string(1 << 20, 'p');
         s.type = "base";
       }),
       "path holds 1048576 bytes"},
      {"a NUL byte in the device",
       with([](model_spec& s) { s.device = std::string("cpu\0x", 5); }),
       "device holds a NUL byte"},
  };
  for (auto& c : cases) {
    CAPTURE(c.what);
    auto resolved = resolve(c.spec, cfg);
    REQUIRE_FALSE(resolved);
    CHECK(resolved.error().code == errc::invalid_spec);
    CHECK_THAT(resolved.error().message, Contains(c.message));
  }
}

TEST_CASE("a load may take as long as its catalog entry or the manager says",
          "[spec]") {
  auto cfg = make_config();
  cfg.load_timeout = std::chrono::minutes{3};
  cfg.models["plain"].load_timeout = std::chrono::seconds{20};
  auto own = resolve(model_spec::by_id("plain"), cfg);
  REQUIRE(own);
  CHECK(own->load_timeout == std::chrono::seconds{20});
  auto managers = resolve(model_spec::by_id("gpu"), cfg);
  REQUIRE(managers);
  CHECK(managers->load_timeout == std::chrono::minutes{3});
  auto by_path = resolve(model_spec::by_path("/m/a.pt", "base"), cfg);
  REQUIRE(by_path);
  CHECK(by_path->load_timeout == std::chrono::minutes{3});
}

TEST_CASE("dtype auto keeps the file's precision on the CPU and casts to "
          "the accelerator dtype elsewhere",
          "[spec]") {
  auto cfg = make_config();
  cfg.dtype = "auto";
  cfg.accelerator_dtype = "fp16";
  auto on_cpu = resolve(model_spec::by_id("plain"), cfg);
  REQUIRE(on_cpu);
  CHECK(on_cpu->keep_saved);
  auto on_sim = resolve(model_spec::by_id("sim"), cfg);
  REQUIRE(on_sim);
  CHECK_FALSE(on_sim->keep_saved);
  CHECK(on_sim->precision == dtype::f16);
  // An entry's own dtype wins.
  auto gpu = resolve(model_spec::by_id("gpu"), cfg);
  REQUIRE(gpu);
  CHECK_FALSE(gpu->keep_saved);
  CHECK(gpu->precision == dtype::f16);
  cfg.models["plain"].dtype = "bf16";
  auto cast = resolve(model_spec::by_id("plain"), cfg);
  REQUIRE(cast);
  CHECK_FALSE(cast->keep_saved);
  CHECK(cast->precision == dtype::bf16);
  cfg.models["sim"].dtype = "saved";
  auto saved = resolve(model_spec::by_id("sim"), cfg);
  REQUIRE(saved);
  CHECK(saved->keep_saved);
  cfg.models["sim"].dtype = "fp64";
  auto bad = resolve(model_spec::by_id("sim"), cfg);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::invalid_dtype);
  CHECK_THAT(bad.error().message, Catch::Contains("auto, saved"));
}
