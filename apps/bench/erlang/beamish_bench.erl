%% The actors suite's workloads on BEAM, for the same run as beamish's (see src/baselines/beam.ts).
%%
%% A command loop on standard input: each line names a workload and its sizes, the answer is one
%% line on standard output, so the bench times a request the way it times its other baselines.
%% Rings and pongers are made once by their `*_setup` command and kept, as beamish's are.
%%
%%   ring_setup Size        -> ok          ring Hops        -> ok (the token went round Hops times)
%%   pingpong_setup         -> ok          pingpong N       -> ok (N round trips of {Pid, I})
%%   skynet Leaves          -> the sum     idle N           -> bytes per idle process
-module(beamish_bench).
-export([main/0]).

main() ->
    loop().

loop() ->
    case io:get_line("") of
        eof ->
            halt();
        Line ->
            Answer = run(string:lexemes(string:trim(Line), " ")),
            io:format("~w~n", [Answer]),
            loop()
    end.

run(["ring_setup", Size]) ->
    put(ring, make_ring(list_to_integer(Size))),
    ok;
run(["ring", Hops]) ->
    get(ring) ! {token, list_to_integer(Hops), self()},
    receive
        ring_done -> ok
    end;
run(["pingpong_setup"]) ->
    put(ponger, spawn(fun pong/0)),
    ok;
run(["pingpong", N]) ->
    ping(get(ponger), list_to_integer(N));
run(["skynet", Leaves]) ->
    skynet(list_to_integer(Leaves));
run(["idle", N]) ->
    idle_bytes(list_to_integer(N)).

%% A ring of Size processes; the token carries the hops left and who to tell at zero.
make_ring(Size) ->
    First = spawn(fun() -> receive {next, Next} -> ring_node(Next) end end),
    Last = lists:foldl(fun(_, Next) -> spawn(fun() -> ring_node(Next) end) end, First, lists:seq(2, Size)),
    First ! {next, Last},
    Last.

ring_node(Next) ->
    receive
        {token, 0, Parent} ->
            Parent ! ring_done;
        {token, Left, Parent} ->
            Next ! {token, Left - 1, Parent}
    end,
    ring_node(Next).

pong() ->
    receive
        {From, I} -> From ! I
    end,
    pong().

ping(_Ponger, 0) ->
    ok;
ping(Ponger, N) ->
    Ponger ! {self(), N},
    receive
        N -> ok
    end,
    ping(Ponger, N - 1).

%% Skynet: a tree of processes ten wide; each leaf sends its number, each node the sum of its children.
skynet(Leaves) ->
    Self = self(),
    spawn(fun() -> skynet(Self, 0, Leaves) end),
    receive
        Sum -> Sum
    end.

skynet(Parent, Num, 1) ->
    Parent ! Num;
skynet(Parent, Num, Size) ->
    Self = self(),
    Step = Size div 10,
    [spawn(fun() -> skynet(Self, Num + I * Step, Step) end) || I <- lists:seq(0, 9)],
    Parent ! sum(10, 0).

sum(0, Total) ->
    Total;
sum(Left, Total) ->
    receive
        N -> sum(Left - 1, Total + N)
    end.

%% Bytes of process memory per idle process, N of them parked in receive. Their pids are kept in an
%% ETS table, whose memory is not process memory, so that only the processes are weighed.
idle_bytes(N) ->
    Table = ets:new(idle, [set, private]),
    erlang:garbage_collect(),
    Before = erlang:memory(processes),
    spawn_idle(N, Table),
    erlang:garbage_collect(),
    After = erlang:memory(processes),
    ets:foldl(fun({_, Pid}, _) -> exit(Pid, kill) end, ok, Table),
    ets:delete(Table),
    (After - Before) div N.

spawn_idle(0, _Table) ->
    ok;
spawn_idle(N, Table) ->
    ets:insert(Table, {N, spawn(fun() -> receive stop -> ok end end)}),
    spawn_idle(N - 1, Table).
