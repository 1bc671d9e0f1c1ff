namespace Pishkhan.Calendar;

// Government offices work Saturday to Wednesday full days and Thursday mornings; Friday is the weekend.
public sealed record WorkingHours(TimeOnly DayStart, double FullDayHours, double ThursdayHours)
{
    public static WorkingHours Default { get; } = new(new TimeOnly(8, 0), 8, 4);

    public double HoursOn(DayOfWeek day) => day switch
    {
        DayOfWeek.Friday => 0,
        DayOfWeek.Thursday => ThursdayHours,
        _ => FullDayHours,
    };
}
