using System.Globalization;
using System.Net;
using System.Text;

namespace ScoreGrains.LoadTest.Reporting;

/// <summary>A line chart as inline SVG: no script, no package, opens in any browser.</summary>
public static class SvgChart
{
    private const int Width = 960;
    private const int Height = 300;
    private const int Left = 70;
    private const int Right = 160;
    private const int Top = 30;
    private const int Bottom = 40;

    public sealed record Series(string Name, string Color, IReadOnlyList<double> Values);

    public static string Lines(string title, string yLabel, IReadOnlyList<double> x, IReadOnlyList<Series> series, bool logarithmic)
    {
        var svg = new StringBuilder();
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var xMax = Math.Max(x.Count > 0 ? x.Max() : 1, 1e-9);
        var values = series.SelectMany(s => s.Values).Where(v => double.IsFinite(v) && (!logarithmic || v > 0)).ToList();
        var yMax = values.Count > 0 ? values.Max() : 1;
        var yMin = logarithmic ? Math.Max(values.Count > 0 ? values.Min() : 0.1, 0.01) : 0;
        if (logarithmic)
        {
            (yMin, yMax) = (Math.Pow(10, Math.Floor(Math.Log10(yMin))), Math.Pow(10, Math.Ceiling(Math.Log10(Math.Max(yMax, yMin * 10)))));
        }
        else
        {
            yMax = Nice(yMax * 1.05);
        }

        double X(double v) => Left + (v / xMax * plotW);
        double Y(double v) => logarithmic
            ? Top + plotH - ((Math.Log10(Math.Max(v, yMin)) - Math.Log10(yMin)) / (Math.Log10(yMax) - Math.Log10(yMin)) * plotH)
            : Top + plotH - (v / yMax * plotH);

        Append(svg, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">");
        Append(svg, $"<text x=\"{Left}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>");
        Append(svg, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"#fafafa\" stroke=\"#ccc\"/>");

        var ticks = logarithmic
            ? Enumerable.Range(0, (int)Math.Round(Math.Log10(yMax / yMin)) + 1).Select(i => yMin * Math.Pow(10, i))
            : Enumerable.Range(0, 6).Select(i => yMax * i / 5);
        foreach (var t in ticks)
        {
            Append(svg, $"<line x1=\"{Left}\" x2=\"{Left + plotW}\" y1=\"{Y(t):0.#}\" y2=\"{Y(t):0.#}\" stroke=\"#e3e3e3\"/>");
            Append(svg, $"<text x=\"{Left - 6}\" y=\"{Y(t) + 4:0.#}\" text-anchor=\"end\">{Format(t)}</text>");
        }

        for (var i = 0; i <= 6; i++)
        {
            var t = xMax * i / 6;
            Append(svg, $"<text x=\"{X(t):0.#}\" y=\"{Top + plotH + 16}\" text-anchor=\"middle\">{t:0}s</text>");
        }

        Append(svg, $"<text x=\"14\" y=\"{Top + (plotH / 2)}\" transform=\"rotate(-90 14 {Top + (plotH / 2)})\" text-anchor=\"middle\">{WebUtility.HtmlEncode(yLabel)}</text>");
        var legendY = Top + 10;
        foreach (var s in series)
        {
            var points = string.Join(' ', Enumerable.Range(0, Math.Min(x.Count, s.Values.Count))
                .Where(i => double.IsFinite(s.Values[i]))
                .Select(i => string.Create(CultureInfo.InvariantCulture, $"{X(x[i]):0.#},{Y(s.Values[i]):0.#}")));
            Append(svg, $"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"1.6\" points=\"{points}\"/>");
            Append(svg, $"<rect x=\"{Left + plotW + 12}\" y=\"{legendY - 9}\" width=\"12\" height=\"3\" fill=\"{s.Color}\"/>");
            Append(svg, $"<text x=\"{Left + plotW + 30}\" y=\"{legendY - 4}\">{WebUtility.HtmlEncode(s.Name)}</text>");
            legendY += 18;
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void Append(StringBuilder svg, FormattableString text) => svg.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static string Format(double v) => v switch
    {
        >= 1e6 => (v / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1e3 => (v / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        >= 1 => v.ToString("0.#", CultureInfo.InvariantCulture),
        _ => v.ToString("0.###", CultureInfo.InvariantCulture),
    };

    private static double Nice(double v)
    {
        if (v <= 0)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.First(s => s * magnitude >= v);
        return step * magnitude;
    }
}
