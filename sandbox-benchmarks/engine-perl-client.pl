#!/usr/bin/perl
# A minimal client of the engine protocol (docs/engine-protocol.md) in Perl, to time a warm engine
# before the native client exists: `engine-perl-client.pl SOCKET run [options] -- COMMAND...`.
# It claims standard error is a terminal (so the engine pipes nothing back), forks what SPAWN asks
# for with its own streams, and exits with EXIT's code. Not a replacement for sandbox4j-client:
# no signal forwarding, no fallback, exec failures are not reported.
use strict;
use warnings;
use Socket;
use Cwd qw(getcwd);
use POSIX qw(_exit);

my ($path, @args) = @ARGV;
socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die "socket: $!";
connect($s, pack_sockaddr_un($path)) or die "connect $path: $!";
sub bytes { return pack('N/a*', $_[0]); }
sub list { return pack('N', scalar @_) . join('', map { bytes($_) } @_); }
my $p = pack('N', 1) . bytes(getcwd()) . list(@args)
  . list(map { "$_=$ENV{$_}" } keys %ENV) . pack('N', 4) . pack('N', $$);
syswrite($s, pack('C N', 1, length $p) . $p);

sub readn {
  my ($n) = @_;
  my $buf = '';
  while (length $buf < $n) {
    my $r = sysread($s, $buf, $n - length $buf, length $buf);
    die "the engine closed the connection\n" unless $r;
  }
  return $buf;
}
sub take_bytes { my ($ref) = @_; my $n = unpack('N', substr($$ref, 0, 4, '')); return substr($$ref, 0, $n, ''); }
sub take_list { my ($ref) = @_; my $n = unpack('N', substr($$ref, 0, 4, '')); return map { take_bytes($ref) } 1 .. $n; }

while (1) {
  my ($type, $len) = unpack('C N', readn(5));
  my $payload = $len ? readn($len) : '';
  if ($type == 0x20) {    # SPAWN
    my @argv = take_list(\$payload);
    my @env = take_list(\$payload);
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
      close($s);
      %ENV = map { split(/=/, $_, 2) } @env;
      { no warnings "exec"; exec { $argv[0] } @argv; }
      _exit(127);
    }
    syswrite($s, pack('C N N', 0x10, 4, $pid));
    waitpid($pid, 0);
    my $code = ($? & 127) ? 128 + ($? & 127) : $? >> 8;
    syswrite($s, pack('C N N', 0x14, 4, $code));
  } elsif ($type == 0x24) {    # WRITE
    my $fd = unpack('C', substr($payload, 0, 1, ''));
    my $data = take_bytes(\$payload);
    syswrite($fd == 1 ? \*STDOUT : \*STDERR, $data);
  } elsif ($type == 0x25) {    # EXIT
    exit(unpack('N', $payload));
  } elsif ($type == 0x26) {    # FALLBACK
    print STDERR "fallback: ", take_bytes(\$payload), "\n";
    exit(125);
  }
}
