using Pishkhan.Complaints;
using static Pishkhan.Tests.Complaints.ComplaintCalendar;

namespace Pishkhan.Tests.Complaints;

public class DuplicateKeyTests
{
    private static readonly ComplaintContact Ali = new("علی رضایی", "09121234567", "ali@example.ir", "0499370899");

    [Fact]
    public void TheSameTextWrittenDifferentlyIsTheSameComplaint()
    {
        var a = Sample(contact: Ali) with { Description = "کارمند دفتر  ۵۰۰۰۰ ریال اضافه گرفت" };
        var b = Sample(contact: Ali) with { Description = "كارمند\u200cدفتر 50000 ريال اضافه گرفت " };
        Assert.Equal(ComplaintStore.DedupeKey(a, "203.0.113.7"), ComplaintStore.DedupeKey(b, "198.51.100.1"));
    }

    [Fact]
    public void AnotherOfficeContactOrTextIsAnotherComplaint()
    {
        var a = Sample(contact: Ali);
        var key = ComplaintStore.DedupeKey(a, "x");
        Assert.NotEqual(key, ComplaintStore.DedupeKey(a with { OfficeCode = "lr-o2" }, "x"));
        Assert.NotEqual(key, ComplaintStore.DedupeKey(a with { Contact = Ali with { Mobile = "09121234568" } }, "x"));
        Assert.NotEqual(key, ComplaintStore.DedupeKey(a with { Description = a.Description + " دوباره" }, "x"));
    }

    [Fact]
    public void AnonymousComplaintsAreTheSameOnlyFromTheSameClient()
    {
        var a = Sample();
        Assert.Equal(ComplaintStore.DedupeKey(a, "203.0.113.7"), ComplaintStore.DedupeKey(a, "203.0.113.7"));
        Assert.NotEqual(ComplaintStore.DedupeKey(a, "203.0.113.7"), ComplaintStore.DedupeKey(a, "203.0.113.8"));
        Assert.NotEqual(ComplaintStore.DedupeKey(a, "203.0.113.7"), ComplaintStore.DedupeKey(a with { Contact = Ali }, "203.0.113.7"));
    }

    [Fact]
    public void TheKeyHoldsNoPersonalData()
    {
        var key = ComplaintStore.DedupeKey(Sample(contact: Ali), "203.0.113.7");
        Assert.Matches("^[0-9a-f]{64}$", key);
    }
}
