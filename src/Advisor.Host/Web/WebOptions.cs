namespace Advisor.Host.Web;

/// <summary>Settings under "Advisor:Web": the web app <c>advisor serve</c> serves on its HTTP port.</summary>
public sealed class WebOptions
{
    public const string SectionName = "Advisor:Web";

    /// <summary>Serves the web app (Ask, Knowledge, Insights). Default true; false maps none of its pages or APIs (404).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Who may use the Ask page and its API. Unset (the default): requests from this machine (a loopback address, not
    /// relayed by a proxy) and a logged-in admin. <c>true</c>: everyone who reaches the port. <c>false</c>: a logged-in
    /// admin (or the admin token) only, even on this machine.
    /// </summary>
    public bool? Public { get; set; }

    /// <summary>How long an admin's login lasts, in hours (default 8).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 720, ErrorMessage = "Advisor:Web:LoginHours must be between 1 and 720.")]
    public int LoginHours { get; set; } = 8;
}
