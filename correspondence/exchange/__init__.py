"""Turn issued documents into edXML envelopes sent between agencies (QCVN 102:2016), and received envelopes into
incoming rows and statuses: ``envelope`` writes and reads envelopes (strictly, leniently, safely), ``directory`` keeps
the danh bạ of other agencies, ``sending`` sends an issued document, ``receiving`` receives envelopes and answers with
a status, ``transport`` is the folder transport and the protocol of any other."""
