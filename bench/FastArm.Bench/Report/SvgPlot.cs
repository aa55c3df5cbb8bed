using System.Globalization;
using System.Security;
using System.Text;
using FastArm.Bench.Harness;

namespace FastArm.Bench.Report;

/// <summary>
/// A bar chart as a standalone SVG: one group per benchmark, one horizontal bar per emulator (the median), a thin
/// line over it for min–max, the value and FastArm's ratio to QEMU at the end. Each group has its own scale (a boot
/// takes ten times longer than a hash), so compare bars within a group, and read the numbers across groups.
/// </summary>
public static class SvgPlot
{
    private const int Width = 980, LabelWidth = 250, BarX = 260, BarMax = 520, BarHeight = 15, BarGap = 3, GroupGap = 14;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Colors = ["#8a8f98", "#d9480f", "#1971c2", "#2f9e44"];

    public static string Render(RunInfo info, IReadOnlyList<SuiteResult> suites)
    {
        var variants = suites.SelectMany(s => s.Variants).DistinctBy(v => v.Name).ToList();
        var body = new StringBuilder();
        int y = 92;
        foreach (var suite in suites)
        {
            body.Append(Text(12, y, suite.Title, 15, "bold"));
            y += 12;
            foreach (var row in suite.Rows)
            {
                var present = variants.Where(v => row.Of(v) != null).ToList();
                if (present.Count == 0) continue;
                double scale = present.Max(v => row.Of(v)!.Value.Max);
                if (scale <= 0) scale = 1;
                int groupHeight = present.Count * (BarHeight + BarGap) - BarGap;
                y += GroupGap / 2;
                body.Append(Text(LabelWidth, y + groupHeight / 2 + 5, row.Label, 13, anchor: "end"));
                foreach (var v in present)
                {
                    var s = row.Of(v)!.Value;
                    string color = Colors[variants.IndexOf(v) % Colors.Length];
                    double w = s.Median / scale * BarMax;
                    body.Append($"<rect x=\"{BarX}\" y=\"{y}\" width=\"{D(Math.Max(w, 1))}\" height=\"{BarHeight}\" fill=\"{color}\"><title>{Esc(v.Name)}: {Esc(MarkdownReport.Cell(row, v))}</title></rect>\n");
                    double cy = y + BarHeight / 2.0;
                    double x1 = BarX + s.Min / scale * BarMax, x2 = BarX + s.Max / scale * BarMax;
                    if (s.Count > 1)
                        body.Append($"<path d=\"M{D(x1)} {D(cy)}H{D(x2)}M{D(x1)} {D(cy - 4)}V{D(cy + 4)}M{D(x2)} {D(cy - 4)}V{D(cy + 4)}\" stroke=\"#212529\" stroke-width=\"1.2\" fill=\"none\"/>\n");
                    string label = $"{MarkdownReport.Num(s.Median, row.Unit)} {row.Unit}";
                    double lx = Math.Max(BarX + w, x2) + 6;
                    body.Append(Text(lx, y + BarHeight - 3, label, 12));
                    if (!v.IsQemu && row.Ratio(v) is double q)
                        body.Append(Text(lx + 8 + 7.2 * label.Length, y + BarHeight - 3,
                            "×" + q.ToString(q < 10 ? "0.00" : "0.0", Inv) + (row.Mismatches.Contains(v.Name) ? " (result differs!)" : ""),
                            12, "bold", fill: color));
                    y += BarHeight + BarGap;
                }
                y += GroupGap / 2 - BarGap;
                body.Append($"<line x1=\"12\" x2=\"{Width - 12}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#dee2e6\"/>\n");
            }
            y += 26;
        }

        var sb = new StringBuilder();
        int height = y + 10;
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n");
        sb.Append($"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n");
        sb.Append(Text(12, 26, $"FastArm vs QEMU, {info.StartedUtc.ToString("yyyy-MM-dd HH:mm", Inv)} UTC", 18, "bold"));
        sb.Append(Text(12, 46, $"median of {info.Runs} runs (line: min–max), host wall-clock; ×N = FastArm / QEMU, lower is better; each benchmark has its own scale", 12, fill: "#495057"));
        double lxLegend = 12;
        for (int i = 0; i < variants.Count; i++)
        {
            sb.Append($"<rect x=\"{D(lxLegend)}\" y=\"58\" width=\"14\" height=\"14\" fill=\"{Colors[i % Colors.Length]}\"/>\n");
            sb.Append(Text(lxLegend + 20, 70, variants[i].Name, 13));
            lxLegend += 40 + 8 * variants[i].Name.Length;
        }
        sb.Append(body);
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static string Text(double x, double y, string text, int size, string weight = "normal", string anchor = "start", string fill = "#212529") =>
        $"<text x=\"{D(x)}\" y=\"{D(y)}\" font-size=\"{size}\" font-weight=\"{weight}\" text-anchor=\"{anchor}\" fill=\"{fill}\">{Esc(text)}</text>\n";

    private static string D(double v) => v.ToString("0.#", Inv);

    private static string Esc(string s) => SecurityElement.Escape(s) ?? "";
}
