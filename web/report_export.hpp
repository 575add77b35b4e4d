#pragma once
/// A trial's report as one self-contained HTML file people can keep and
/// share: the page's own stylesheet, Chart.js and app.js inlined, the report
/// JSON embedded, so it draws the same text, tables and charts as the live
/// page, offline, with no request to anywhere.

#include <string>
#include <string_view>

namespace mlt::web {

/// The HTML file for one report. `report_json` is the stored report (the
/// "report" frame of README's protocol); `title` names the trial;
/// `plain_text` is the agent's report text, shown when scripts are off.
std::string report_html(std::string_view report_json, std::string_view title, std::string_view plain_text);

/// `s` escaped for HTML text and attribute values.
std::string html_escape(std::string_view s);

}  // namespace mlt::web
