using System.Text.Json;
using System.Text.Json.Nodes;
using Advisor.Core.Knowledge;

namespace Advisor.Host.Operations;

/// <summary>
/// The JSON body of <c>POST /admin/reload</c>: every property of the core's <see cref="ReloadReport"/> (camelCase),
/// plus <c>summary</c>, the few lines admins see in chat. New report fields appear here without a change.
/// </summary>
internal static class ReloadReportJson
{
    public static JsonObject From(ReloadReport report)
    {
        var json = JsonSerializer.SerializeToNode(report, JsonSerializerOptions.Web)!.AsObject();
        json["summary"] = report.Summary();
        return json;
    }
}
