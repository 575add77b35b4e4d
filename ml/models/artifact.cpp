#include "ml/models/artifact.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "ml/features/feature_matrix.hpp"
#include "ml/models/model.hpp"

namespace mlt::ml {

namespace {
constexpr const char* tag = "mlt-artifact 1";

void write_row(std::ostream& out, const char* name, const Eigen::RowVectorXd& v) {
  out << name << ' ' << v.size();
  char buf[40];
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    std::snprintf(buf, sizeof buf, " %.17g", v(i));
    out << buf;
  }
  out << '\n';
}

Eigen::RowVectorXd read_row(std::istream& in, const char* name, const std::string& path) {
  std::string word;
  Eigen::Index n = 0;
  if (!(in >> word >> n) || word != name || n < 0 || n > 100000)
    throw std::runtime_error("model artefact " + path + ": bad '" + name + "' line");
  Eigen::RowVectorXd v(n);
  for (Eigen::Index i = 0; i < n; ++i)
    if (!(in >> v(i))) throw std::runtime_error("model artefact " + path + ": truncated '" + name + "' line");
  return v;
}
}  // namespace

void write_artifact(const std::string& path, const model_artifact& a) {
  std::ostringstream out;
  out << tag << '\n' << "model " << a.model << '\n' << "horizon " << a.horizon << '\n';
  out << "features " << a.features.size();
  for (const auto& f : a.features) out << ' ' << f;
  out << '\n';
  write_row(out, "mean", a.scaler_mean);
  write_row(out, "scale", a.scaler_scale);
  out << "state " << a.state.size() << '\n' << a.state;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << out.str();
    f.flush();
    if (!f) throw std::runtime_error("cannot write model artefact " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

model_artifact read_artifact(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("model artefact " + path + " cannot be opened");
  std::stringstream all;
  all << f.rdbuf();
  std::istringstream in(all.str());
  std::string line, word;
  std::getline(in, line);
  if (line != tag) throw std::runtime_error("model artefact " + path + " is not a version-1 artefact");
  model_artifact a;
  std::size_t n = 0;
  if (!(in >> word >> a.model) || word != "model") throw std::runtime_error("model artefact " + path + ": no model line");
  if (!(in >> word >> a.horizon) || word != "horizon") throw std::runtime_error("model artefact " + path + ": no horizon");
  if (!(in >> word >> n) || word != "features" || n > 10000)
    throw std::runtime_error("model artefact " + path + ": bad features line");
  a.features.resize(n);
  for (auto& name : a.features)
    if (!(in >> name)) throw std::runtime_error("model artefact " + path + ": truncated features line");
  a.scaler_mean = read_row(in, "mean", path);
  a.scaler_scale = read_row(in, "scale", path);
  std::size_t bytes = 0;
  if (!(in >> word >> bytes) || word != "state") throw std::runtime_error("model artefact " + path + ": no state");
  in.get();  // the newline after the size
  a.state.resize(bytes);
  if (!in.read(a.state.data(), static_cast<std::streamsize>(bytes)))
    throw std::runtime_error("model artefact " + path + ": state is truncated");
  return a;
}

std::vector<double> predict_bars(const model_artifact& a, const bar_series& series) {
  auto fm = build_default_features(series);
  if (fm.names != a.features)
    throw std::runtime_error("the feature set changed since the model was fitted; re-run the trial");
  auto m = make_model(a.model);
  if (!m) throw std::runtime_error("model '" + a.model + "' is not available in this build");
  m->load(a.state);
  const Eigen::Index rows = fm.values.rows(), cols = fm.values.cols();
  std::vector<double> out(static_cast<std::size_t>(rows), std::numeric_limits<double>::quiet_NaN());
  // Rows after warm-up, in time order, scaled exactly as in training.
  std::vector<Eigen::Index> usable;
  for (Eigen::Index r = 0; r < rows; ++r)
    if (fm.values.row(r).allFinite()) usable.push_back(r);
  if (usable.empty()) return out;
  Eigen::MatrixXd x(static_cast<Eigen::Index>(usable.size()), cols);
  for (std::size_t i = 0; i < usable.size(); ++i)
    x.row(static_cast<Eigen::Index>(i)) =
        (fm.values.row(usable[i]) - a.scaler_mean).cwiseQuotient(a.scaler_scale);
  const Eigen::VectorXd p = m->predict_proba(x);
  for (std::size_t i = 0; i < usable.size(); ++i) out[static_cast<std::size_t>(usable[i])] = p(static_cast<Eigen::Index>(i));
  return out;
}

}  // namespace mlt::ml
