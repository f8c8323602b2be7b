// cmm-gen: writes the demo TorchScript models (base, custom_voice,
// voice_design) into a directory, keeping files that already exist. With
// --quantized it also writes their int8 twins, VARIANT-int8.pt.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cmm/model_generator.hpp"

namespace {

constexpr const char* usage =
    "usage: cmm-gen --out DIR [--size-mb N (default 24)] [--tiny] [--force]\n"
    "               [--quantized (also write VARIANT-int8.pt)]";

struct options {
  std::string out;
  double megabytes = 24;
  bool force = false;
  bool quantized = false;
};

std::optional<double> parse_megabytes(const char* str) {
  char* end = nullptr;
  auto x = std::strtod(str, &end);
  if (end == str || *end != '\0' || !(x > 0))
    return std::nullopt;
  return x;
}

std::optional<options> parse_args(int argc, char** argv) {
  options opts;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--out" && has_value) {
      opts.out = argv[++i];
    } else if (arg == "--size-mb" && has_value) {
      auto mb = parse_megabytes(argv[++i]);
      if (!mb)
        return std::nullopt;
      opts.megabytes = *mb;
    } else if (arg == "--tiny") {
      opts.megabytes = 0.1;
    } else if (arg == "--force") {
      opts.force = true;
    } else if (arg == "--quantized") {
      opts.quantized = true;
    } else {
      return std::nullopt;
    }
  }
  if (opts.out.empty())
    return std::nullopt;
  return opts;
}

using writer = uint64_t (*)(const std::string&, const cmm::model_blueprint&);

void write_unless_kept(const options& opts, const std::string& path,
                       const cmm::model_blueprint& bp, writer write) {
  if (!opts.force && std::filesystem::exists(path)) {
    std::printf("kept %s (exists)\n", path.c_str());
    return;
  }
  auto start = std::chrono::steady_clock::now();
  auto size = write(path, bp);
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  std::printf("wrote %s (%.1f MB) in %.2f s\n", path.c_str(),
              static_cast<double>(size) / 1e6, elapsed.count());
}

} // namespace

int main(int argc, char** argv) {
  auto opts = parse_args(argc, argv);
  if (!opts) {
    std::fprintf(stderr, "%s\n", usage);
    return 2;
  }
  namespace fs = std::filesystem;
  try {
    if (opts->quantized && !cmm::can_write_quantized_models())
      throw std::runtime_error("--quantized: this libtorch has no quantized "
                               "engine");
    fs::create_directories(opts->out);
    for (const auto& bp : cmm::demo_blueprints(opts->megabytes)) {
      auto stem = (fs::path{opts->out} / bp.variant).string();
      write_unless_kept(*opts, stem + ".pt", bp, cmm::write_model);
      if (opts->quantized)
        write_unless_kept(*opts, stem + "-int8.pt", bp,
                          cmm::write_quantized_model);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cmm-gen: %s\n", e.what());
    return 1;
  }
  return 0;
}
