using System.Globalization;
using System.Reflection;
using Xunit.Sdk;

namespace Pishkhan.Tests.Infrastructure;

/// <summary>
/// Runs a test with CurrentCulture and CurrentUICulture set (e.g. "fa-IR", where "yyyy" is a Solar Hijri
/// year, the decimal separator is "٫" and the minus sign is U+2212). The culture flows with the test's
/// async calls, so stores and rules called from the test see it; a request served by Kestrel may not, which is
/// what the whole-suite pass under LANG=fa_IR.UTF-8 in ./test.sh is for.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class UseCultureAttribute(string culture) : BeforeAfterTestAttribute
{
    private readonly CultureInfo _culture = CultureInfo.GetCultureInfo(culture);
    private CultureInfo? _culture0, _uiCulture0;

    public override void Before(MethodInfo methodUnderTest)
    {
        (_culture0, _uiCulture0) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (_culture, _culture);
    }

    public override void After(MethodInfo methodUnderTest)
    {
        if (_culture0 is not null) (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (_culture0, _uiCulture0!);
    }
}
