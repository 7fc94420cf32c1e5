using System.Collections.ObjectModel;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace MlNetConcepts.Tests.Studies.Explorer;

/// <summary>
/// Headless Debian chromium driven through Debian's chromedriver, both at fixed paths so Selenium
/// Manager never looks for (or downloads) a browser or driver of its own.
/// </summary>
internal sealed class ExplorerBrowser : IDisposable
{
    public const string Chromium = "/usr/bin/chromium";
    public const string ChromeDriver = "/usr/bin/chromedriver";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _profile;

    /// <summary>Why the browser test cannot run here, or null when it can.</summary>
    public static string? MissingReason() =>
        File.Exists(Chromium) && File.Exists(ChromeDriver) ? null
            : $"{Chromium} or {ChromeDriver} is missing: install Debian's chromium and chromium-driver (./run.sh test does).";

    public ExplorerBrowser()
    {
        _profile = Directory.CreateTempSubdirectory("mlnc-chromium-").FullName;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000",
            "--no-first-run", "--disable-extensions", $"--user-data-dir={_profile}");
        // Chromium refuses its sandbox as root (CI runs as root).
        if (Environment.UserName == "root") options.AddArgument("--no-sandbox");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        Driver = new ChromeDriver(service, options, Patience);
        Driver.Manage().Timeouts().PageLoad = Patience;
    }

    public ChromeDriver Driver { get; }

    /// <summary>
    /// Opens <paramref name="page"/> from disk and returns what is wrong with it: console errors
    /// (the browser log at SEVERE), a script that never finished starting (body[data-ready]), no
    /// dots drawn. An empty list means the page came up working.
    /// </summary>
    public List<string> Open(string page)
    {
        var problems = new List<string>();
        Driver.Navigate().GoToUrl(new Uri(Path.GetFullPath(page)).AbsoluteUri);
        // Poll until the script says it is ready or the console reports an error (then it never will be).
        var errors = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        bool ready = false;
        while (DateTime.UtcNow < deadline)
        {
            ready = Driver.FindElement(By.TagName("body")).GetAttribute("data-ready") == "true";
            errors.AddRange(ConsoleErrors());
            if (ready || errors.Count > 0) break;
            Thread.Sleep(200);
        }
        if (!ready) problems.Add("the page's script never finished starting (no body[data-ready])");
        problems.AddRange(errors);
        if (Dots().Count == 0) problems.Add("no concept dots drawn");
        return problems;
    }

    /// <summary>SEVERE entries of the browser log since the last call.</summary>
    public IEnumerable<string> ConsoleErrors() =>
        Driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Severe).Select(e => $"console: {e.Message}");

    /// <summary>The concept markers plotly drew (SVG paths of the scatter trace).</summary>
    public ReadOnlyCollection<IWebElement> Dots() => Driver.FindElements(By.CssSelector("#plot .scatterlayer .trace path.point"));

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    public void Until(Func<IWebDriver, bool> condition, string what)
    {
        try { new WebDriverWait(Driver, TimeSpan.FromSeconds(30)).Until(condition); }
        catch (WebDriverTimeoutException) { Assert.Fail($"timed out waiting until {what}"); }
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try { Directory.Delete(_profile, true); } catch (IOException) { /* chromium may still release files */ }
    }
}
