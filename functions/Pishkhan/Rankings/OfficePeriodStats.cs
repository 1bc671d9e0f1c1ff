namespace Pishkhan.Rankings;

/// <summary>One office's counters for one Jalali period: the only input of the ranking.</summary>
public sealed record OfficePeriodStats(string OfficeCode, string OfficeName, string Province, string CountyCode,
  long RequestsReceived, long RequestsCompleted, long RequestsRejected, long CompletedWithinSla, long SlaBreached,
  long RatingCount, long RatingSum, long ComplaintsReceived, long ComplaintsUpheld,
  long InspectionCount, double InspectionScoreSum, long StaffCount, long StaffTrained,
  long AfterHoursChecks, long AfterHoursOpen);
