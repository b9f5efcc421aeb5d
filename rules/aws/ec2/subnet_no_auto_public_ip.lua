-- A subnet that maps public IPs on launch gives every instance and ENI started in it a public
-- IPv4 address unless the launch says otherwise. That is a default, not an exposure by itself
-- (security groups still decide what reaches the address), hence medium; the instance rule
-- (ec2-instance-no-public-ip) follows SubnetId here to report the instances that inherit it.
return pp.lib("exposure").flag_rule({ id = "ec2-subnet-no-auto-public-ip", types = { "AWS::EC2::Subnet" }, related = { "CT.EC2.PR.8" },
  key = "MapPublicIpOnLaunch", exposed = "instances launched here get a public IPv4 address" })
