// The decider's posting rules: when a user posts, what about, and the post once its text is written.
using System.Collections.Immutable;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Users;

public static partial class FakeUserDecider
{
    private sealed partial class Builder
    {
        // -------------------------------------------------------------- posting

        private void ScheduleNextPost(bool first)
        {
            if (Runtime.Paused || !_state.Exists) return;
            var at = NextAt(Rules.PostInterval, "timing", Runtime.TimingDraws, first, 1);
            Runtime = Runtime with { TimingDraws = Runtime.TimingDraws + 1, PostTimerSet = true };
            Effect(new StartTimer(PostTimerKey, PostTick.Instance, at));
        }

        /// <summary>Sessions follow the same rhythm as posting (the user's heavy-tailed activity, to the power afu.sessions.activity-exponent,
        /// and the daily curve), at their own mean interval.</summary>
        private void ScheduleNextSession(bool first)
        {
            if (Runtime.Paused || !_state.Exists) return;
            var at = NextAt(Rules.Sessions.Interval, "session-timing", Runtime.SessionDraws, first, Rules.Sessions.ActivityExponent);
            Runtime = Runtime with { SessionDraws = Runtime.SessionDraws + 1, SessionTimerSet = true };
            Effect(new StartTimer(SessionTimerKey, SessionTick.Instance, at));
        }

        private DateTime NextAt(TimeSpan interval, string purpose, long draw, bool first, double exponent)
        {
            var b = Rules.Behaviour;
            // ActivityFactor is the user's rate relative to the mean (heavy-tailed): the mean gap shrinks with it.
            var factor = exponent == 1 ? Profile.ActivityFactor : Math.Pow(Profile.ActivityFactor, exponent);
            var mean = interval.TotalSeconds / Math.Max(0.001, factor);
            var u = DeterministicRandom.For(Rules.Seed, purpose, UserId, draw).NextDouble();
            var sim = b.Daily.Enabled
                ? Activity.NextGap(b.Daily, ctx.Now, TimeSpan.FromSeconds(mean), Activity.Chronotype(b.Daily, Rules.Seed, ctx.Index), u).TotalSeconds
                : first ? mean * u : mean * (1 + Rules.PostJitter * (2 * u - 1));
            return ctx.Now + TimeSpan.FromSeconds(Math.Max(0.001, sim));
        }

        /// <param name="manual">sim post: posts even while paused, and leaves the timer as it is.</param>
        public void RequestPost(bool manual)
        {
            if (!_state.Exists || (Runtime.Paused && !manual)) return;
            if (!manual) ScheduleNextPost(first: false);
            if (Runtime.PendingPost is not null) return; // previous text still being written
            var seq = _state.LastPostSeq + 1;
            var rng = DeterministicRandom.For(Rules.Seed, "post", UserId, seq);
            var trends = Rules.Behaviour.Trends;
            var trend = Trends.At(trends, Rules.Seed, ctx.Now, Rules.Interests.Enabled, ctx.Origin);
            var (interest, subtopic) = PostTopics.Choose(Profile, rng, trend, trends.PostShare);
            // with creators on, the post's appeal (drawn from the seed and its id) sets how much the author writes
            var creators = Rules.Behaviour.CreatorsOrOff;
            var quality = Creators.Quality(creators, Rules.Seed, UserId);
            var appeal = Creators.Appeal(creators, Rules.Seed, PostIds.For(UserId, seq), quality);
            var requestId = Runtime.NextRequestId + 1;
            Runtime = Runtime with
            {
                NextRequestId = requestId,
                PendingPost = new PendingPost(requestId, seq, interest, subtopic, Trends.IsTrending(trend, interest, subtopic), appeal, creators.Enabled ? quality : null),
            };
            Effect(new AskForText(new GenerateText(requestId,
                new ContentRequest(TextKind.Post, UserId, interest, subtopic, Profile.Persona, rng.Next(), Effort: Creators.Effort(creators, appeal)), ctx.Ticket)));
        }

        public void OnText(TextGenerated msg)
        {
            if (msg.Kind == TextKind.Post)
            {
                if (Runtime.PendingPost is not { } p || p.RequestId != msg.RequestId) return; // paused or superseded
                Runtime = Runtime with { PendingPost = null };
                var content = ContentRules.CutAtSentence(msg.Text.Text, ContentRules.PostMax);
                if (!ContentRules.IsValidPost(content))
                {
                    Effect(new Warn($"user {UserId}: generated post rejected ({content.Length} chars)"));
                    return;
                }
                var post = new PostPublished(PostIds.For(UserId, p.Seq), UserId, p.Seq, content, p.Interest, p.Subtopic,
                    ctx.Now, msg.Text.GeneratedBy, msg.Text.ModelVersion, p.Trending, p.Appeal, p.AuthorQuality);
                Emit(post);
                Effect(new PublishOn(FeedTopics.Posts, post));
                return;
            }

            if (!Runtime.PendingComments.TryGetValue(msg.RequestId, out var due)) return;
            Runtime = Runtime with { PendingComments = Runtime.PendingComments.Remove(msg.RequestId) };
            var text = ContentRules.CutAtSentence(msg.Text.Text, ContentRules.CommentMax);
            if (!ContentRules.IsValidComment(text))
            {
                Runtime = Runtime with { Planned = Runtime.Planned.Remove(due.Id(UserId)) };
                return;
            }
            Record(due, text, msg.Text.GeneratedBy, msg.Text.ModelVersion, ctx.Now);
        }
    }
}
