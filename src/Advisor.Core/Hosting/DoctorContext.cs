using Microsoft.Extensions.Configuration;

namespace Advisor.Core.Hosting;

/// <summary>What <c>advisor doctor</c> checks: the configuration, and the public base URL given with <c>--http</c>.</summary>
public sealed record DoctorContext(IConfiguration Configuration, Uri? HttpUrl = null);
